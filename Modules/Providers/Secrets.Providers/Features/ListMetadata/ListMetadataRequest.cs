using Secrets.Providers.Access;

namespace Secrets.Providers.Features.ListMetadata;

internal sealed class ListMetadataRequest : PagedRequest
{
    public string Prefix { get; init; } = "";
}
