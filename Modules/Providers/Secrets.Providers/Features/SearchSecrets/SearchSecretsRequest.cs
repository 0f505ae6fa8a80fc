using Secrets.Providers.Access;

namespace Secrets.Providers.Features.SearchSecrets;

internal sealed class SearchSecretsRequest : PagedRequest
{
    public string Q { get; init; } = "";
    public string Prefix { get; init; } = "";
}
