using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListMetadata;

/// <summary>GET /api/secrets/metadata?prefix=: a paginated, metadata-only listing of the secrets under a prefix.</summary>
internal sealed class ListMetadataEndpoint(SecretPipeline pipeline, ListingOptions listing) : Endpoint<ListMetadataRequest, Page<SecretMetadataItem>>
{
    public override void Configure()
    {
        Get("/api/secrets/metadata");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "List secrets under a prefix with their metadata (never values)");
    }

    public override async Task HandleAsync(ListMetadataRequest req, CancellationToken ct)
    {
        req.CheckLimit(this, listing);
        var target = new SecretTarget(req.Prefix, Purpose.ReadMetadata, KvCapabilities.List)
        {
            Allow = UriAllowance.Prefix, FragmentAllowed = false, DecidedPerEntry = true,
        };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var paths = new List<KvPath>();
            await foreach (var path in KvTraversal.SecretsUnderAsync(secret.Store, secret.Path, listing.MaxTraversal, c))
                paths.Add(path);
            paths.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
            var shown = await secret.VisibleAsync(paths, p => secret.Uri.WithPath(p.Path), c);

            var page = Page<KvPath>.Of(shown, req.Offset, req.EffectiveLimit(listing));
            var items = new List<SecretMetadataItem>(page.Items.Count);
            foreach (var path in page.Items)
            {
                var metadata = await secret.Store.ReadMetadataAsync(path, c);
                items.Add(new SecretMetadataItem(secret.Uri.WithPath(path.Path).ToString(),
                    metadata?.CurrentVersion, metadata?.CreatedTime, metadata?.UpdatedTime, metadata?.Keys));
            }
            return new Page<SecretMetadataItem>(items, page.Offset, page.Limit, page.Total, page.NextOffset) { Filtered = secret.Filtered };
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
