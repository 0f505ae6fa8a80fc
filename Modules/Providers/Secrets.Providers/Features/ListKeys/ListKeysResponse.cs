namespace Secrets.Providers.Features.ListKeys;

internal sealed record ListKeysResponse(string Uri, IReadOnlyList<string> Keys);
