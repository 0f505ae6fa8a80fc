namespace Secrets.Providers.Features.SetOwner;

internal sealed class SetOwnerRequest
{
    public string Uri { get; init; } = "";
    public string Owner { get; init; } = "";
}
