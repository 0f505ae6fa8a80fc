using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SearchSecrets;

internal sealed class SearchSecretsRequest : PagedRequest
{
    public string Q { get; init; } = "";
    public string Prefix { get; init; } = "";
}

internal sealed class SearchSecretsValidator : Validator<SearchSecretsRequest>
{
    public SearchSecretsValidator()
    {
        RuleFor(x => x.Q).NotEmpty().MaximumLength(256);
        RuleFor(x => x.Prefix).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        this.AddPagingRules();
    }
}

internal sealed record SearchHit(string Uri, string Match);

/// <summary>
/// GET /api/secrets/search?q=&amp;prefix=: secret names and key names (fragments) under a prefix that
/// contain q, case-insensitively. Names only, never values.
/// </summary>
internal sealed class SearchSecretsEndpoint(SecretAccess access, ListingOptions listing) : Endpoint<SearchSecretsRequest, Page<SearchHit>>
{
    public override void Configure()
    {
        Get("/api/secrets/search");
        Summary(s => s.Summary = "Search secret paths and key names under a prefix");
    }

    public override async Task HandleAsync(SearchSecretsRequest req, CancellationToken ct)
    {
        req.EnsureWithin(listing);
        var op = await access.BeginAsync(HttpContext, req.Prefix, null, Purpose.ReadMetadata, AuditType.SecretMetadataRead,
            KvCapabilities.List, UriAllowance.Prefix, fragmentAllowed: false);
        var hits = new List<SearchHit>();
        await foreach (var path in KvOperations.SecretsUnderAsync(op.Store, KvPath.Of(op.Uri), listing.MaxTraversal, ct))
        {
            var uri = op.Uri.WithPath(path.Path);
            var relative = path.Path[op.Uri.Path.Length..].TrimStart('/');
            if (relative.Contains(req.Q, StringComparison.OrdinalIgnoreCase))
                hits.Add(new SearchHit(uri.ToString(), "path"));
            var keys = (await op.Store.ReadMetadataAsync(path, ct))?.Keys ?? [];
            foreach (var key in keys.Where(k => k.Contains(req.Q, StringComparison.OrdinalIgnoreCase)))
                hits.Add(new SearchHit(uri.WithFragment(key).ToString(), "key"));
        }
        hits.Sort((a, b) => string.CompareOrdinal(a.Uri, b.Uri));
        await access.SucceededAsync(op);
        await Send.OkAsync(Page<SearchHit>.Of(hits, req.Offset, req.EffectiveLimit(listing)), ct);
    }
}
