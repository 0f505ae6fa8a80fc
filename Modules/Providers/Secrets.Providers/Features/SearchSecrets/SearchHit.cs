namespace Secrets.Providers.Features.SearchSecrets;

internal sealed record SearchHit(string Uri, string Match);
