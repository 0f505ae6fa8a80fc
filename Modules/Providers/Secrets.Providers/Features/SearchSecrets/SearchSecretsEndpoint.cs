using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SearchSecrets;

/// <summary>
/// GET /api/secrets/search?q=&amp;prefix=: secret names and key names (fragments) under a prefix that
/// contain q, case-insensitively. Names only, never values.
/// </summary>
internal sealed class SearchSecretsEndpoint(SecretPipeline pipeline, ListingOptions listing) : Endpoint<SearchSecretsRequest, Page<SearchHit>>
{
    public override void Configure()
    {
        Get("/api/secrets/search");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "Search secret paths and key names under a prefix");
    }

    public override async Task HandleAsync(SearchSecretsRequest req, CancellationToken ct)
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
            var hits = new List<SearchHit>();
            foreach (var path in await secret.VisibleAsync(paths, p => secret.Uri.WithPath(p.Path), c))   // a hidden secret's keys stay hidden too
            {
                var uri = secret.Uri.WithPath(path.Path);
                var relative = path.Path[secret.Uri.Path.Length..].TrimStart('/');
                if (relative.Contains(req.Q, StringComparison.OrdinalIgnoreCase))
                    hits.Add(new SearchHit(uri.ToString(), "path"));
                var keys = (await secret.Store.ReadMetadataAsync(path, c))?.Keys ?? [];
                foreach (var key in keys.Where(k => k.Contains(req.Q, StringComparison.OrdinalIgnoreCase)))
                    hits.Add(new SearchHit(uri.WithFragment(key).ToString(), "key"));
            }
            hits.Sort((a, b) => string.CompareOrdinal(a.Uri, b.Uri));
            return Page<SearchHit>.Of(hits, req.Offset, req.EffectiveLimit(listing), secret.Filtered);
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
