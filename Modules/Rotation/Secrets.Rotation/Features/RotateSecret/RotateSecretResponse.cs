namespace Secrets.Rotation.Features.RotateSecret;

internal sealed record RotateSecretResponse(string Uri, int? Version);
