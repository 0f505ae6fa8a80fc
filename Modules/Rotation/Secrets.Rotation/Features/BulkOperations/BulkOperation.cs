using System.Text.Json.Serialization;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkOperation
{
    public string Op { get; init; } = "";
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public IReadOnlyList<int>? Versions { get; init; }

    /// <summary><c>rotate</c> to a generated value (the value is never in the answer).</summary>
    public GenerateSpec? Generate { get; init; }

    /// <summary><c>rollback</c>: the version whose data becomes the newest.</summary>
    [JsonPropertyName("to_version")]
    public int? ToVersion { get; init; }
}
