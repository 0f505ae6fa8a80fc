using System.Text.Json.Serialization;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

/// <summary>A rotation to <see cref="Value"/>, or to a value the service generates (<see cref="Generate"/>, one key).</summary>
internal sealed class RotateSecretRequest
{
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public GenerateSpec? Generate { get; init; }

    /// <summary>Return the generated value in the answer; the caller must also be allowed to read the secret.</summary>
    [JsonPropertyName("return_value")]
    public bool ReturnValue { get; init; }
}
