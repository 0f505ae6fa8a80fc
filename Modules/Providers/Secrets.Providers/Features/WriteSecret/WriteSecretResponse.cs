namespace Secrets.Providers.Features.WriteSecret;

internal sealed record WriteSecretResponse(string Uri, int? Version);
