using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListMetadata;

internal sealed class ListMetadataRequest : PagedRequest
{
    public string Prefix { get; init; } = "";
}

internal sealed class ListMetadataValidator : Validator<ListMetadataRequest>
{
    public ListMetadataValidator()
    {
        RuleFor(x => x.Prefix).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        this.AddPagingRules();
    }
}

internal sealed record SecretMetadataItem(
    string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime, IReadOnlyList<string>? Keys);

/// <summary>GET /api/secrets/metadata?prefix=: a paginated, metadata-only listing of the secrets under a prefix.</summary>
internal sealed class ListMetadataEndpoint(SecretAccess access, ListingOptions listing) : Endpoint<ListMetadataRequest, Page<SecretMetadataItem>>
{
    public override void Configure()
    {
        Get("/api/secrets/metadata");
        Summary(s => s.Summary = "List secrets under a prefix with their metadata (never values)");
    }

    public override async Task HandleAsync(ListMetadataRequest req, CancellationToken ct)
    {
        req.EnsureWithin(listing);
        var op = await access.BeginAsync(HttpContext, req.Prefix, null, Purpose.ReadMetadata, AuditType.SecretMetadataRead,
            KvCapabilities.List, UriAllowance.Prefix, fragmentAllowed: false);
        var paths = new List<KvPath>();
        await foreach (var path in KvOperations.SecretsUnderAsync(op.Store, KvPath.Of(op.Uri), listing.MaxTraversal, ct))
            paths.Add(path);
        paths.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

        var page = Page<KvPath>.Of(paths, req.Offset, req.EffectiveLimit(listing));
        var items = new List<SecretMetadataItem>(page.Items.Count);
        foreach (var path in page.Items)
        {
            var metadata = await op.Store.ReadMetadataAsync(path, ct);
            items.Add(new SecretMetadataItem(op.Uri.WithPath(path.Path).ToString(),
                metadata?.CurrentVersion, metadata?.CreatedTime, metadata?.UpdatedTime, metadata?.Keys));
        }
        await access.SucceededAsync(op);
        await Send.OkAsync(new Page<SecretMetadataItem>(items, page.Offset, page.Limit, page.Total, page.NextOffset), ct);
    }
}
