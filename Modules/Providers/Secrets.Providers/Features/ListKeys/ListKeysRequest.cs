namespace Secrets.Providers.Features.ListKeys;

internal sealed class ListKeysRequest
{
    public string Uri { get; init; } = "";
}
