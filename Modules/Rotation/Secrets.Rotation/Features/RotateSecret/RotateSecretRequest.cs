using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

internal sealed class RotateSecretRequest
{
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
}
