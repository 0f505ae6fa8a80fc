namespace Secrets.Rotation.Features.CopySecret;

internal sealed record CopySecretResponse(string FromUri, string ToUri, int? Version);
