using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.RollbackSecret;

internal sealed class RollbackSecretRequest
{
    public string Uri { get; init; } = "";

    [JsonPropertyName("to_version")]
    public int ToVersion { get; init; }
}
