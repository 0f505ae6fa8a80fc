using MassTransit.Mediator;
using Microsoft.Extensions.Logging;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.SearchPermittedResources;

/// <summary>
/// The resources the caller may use for a purpose (canonical URIs and <c>&lt;prefix&gt;/*</c> patterns), for a listing to
/// keep only those, restricted to <see cref="Contracts.SearchPermittedResources.Prefix"/> (a pattern above it becomes the
/// prefix itself). With the embedded PDP, from the rules in force (<see cref="PolicySearch.Permitted"/>); where a rule
/// that applies there has a <c>when</c> condition, or a deny rule covers part of a permitted pattern, patterns cannot
/// say it exactly and <see cref="PermittedResources.Supported"/> is false: the sender evaluates its candidates, with
/// their names, in a batch. With an external PDP whose metadata offers the Resource Search API (AuthZEN 1.0 §8.5),
/// every page of it (at most <see cref="AuthZen.AuthZenPdpClient.MaxSearchPages"/>); without that API, not supported.
/// A PDP that cannot be asked, or answers a search that cannot be followed, is <see cref="PermittedResources.Unavailable"/>
/// and permits nothing.
/// </summary>
internal sealed partial class SearchPermittedResourcesHandler(
    TenantContext tenant, ILogger<SearchPermittedResourcesHandler> log, EmbeddedPdp? embedded = null, IResourceSearch? search = null)
    : MediatorRequestHandler<Contracts.SearchPermittedResources, PermittedResources>
{
    private static readonly PermittedResources NotSupported = new(false, false, []);

    protected override async Task<PermittedResources> Handle(Contracts.SearchPermittedResources request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var within = request.Prefix is null ? null : ListingOf(request.Prefix);
        var subject = PolicySubject.From(request.Caller, tenant.TenantId);
        var context = PolicyContext.From(request.Caller);
        if (embedded is not null)
        {
            var permitted = PolicySearch.Permitted(embedded.Policies.Current, subject, request.Purpose.Name(), tenant.TenantId, context, within);
            return permitted is null ? NotSupported : new PermittedResources(true, false, within is null ? permitted : Within(permitted, within));
        }
        if (search is null)
            return NotSupported;
        using var activity = Telemetry.Source.StartActivity("pdp.search");
        try
        {
            var found = await search.SearchResourcesAsync(subject, request.Purpose.Name(), tenant.TenantId, context, ct);
            if (found is null)
                return NotSupported;
            return new PermittedResources(true, false, within is null ? found : Within(found, within));
        }
        catch (PdpUnavailableException ex) when (!ct.IsCancellationRequested)
        {
            LogUnavailable(log, ex.Message);
            return new PermittedResources(false, true, []);
        }
    }

    /// <summary>The listing a prefix names: <c>yaml://secret/app/*</c>, or <c>yaml://secret/app</c> for the same; a bare mount is the whole mount.</summary>
    private static CanonicalSecretUri ListingOf(string prefix)
    {
        if (!CanonicalSecretUri.TryParse(prefix, null, UriAllowance.Prefix, out var uri, out _))
            throw new ArgumentException("the prefix is not a canonical secret URI", nameof(prefix));
        return CanonicalSecretUri.Parse(Listing(uri.Scheme, uri.Mount, uri.Path), null, UriAllowance.Prefix);
    }

    /// <summary>
    /// The results at or below the listing: a URI below it, a pattern at or below it as it is; a pattern above it
    /// (which covers all of it) becomes the listing itself; anything else, or what is not a canonical URI, is left out.
    /// </summary>
    private static List<string> Within(IEnumerable<string> found, CanonicalSecretUri listing)
    {
        var kept = new List<string>();
        foreach (var id in found)
        {
            if (!CanonicalSecretUri.TryParse(id, null, UriAllowance.Prefix, out var uri, out _)
                || uri.Scheme != listing.Scheme || uri.Mount != listing.Mount)
                continue;
            if (Below(uri.Path, listing.Path) || (uri.IsPrefix && uri.Path == listing.Path))
                kept.Add(uri.ToString());
            else if (uri.IsPrefix && Below(listing.Path, uri.Path))
                kept.Add(listing.ToString());
        }
        return kept.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether <paramref name="path"/> is strictly below <paramref name="parent"/> (the mount itself for an empty parent).</summary>
    private static bool Below(string path, string parent) =>
        parent.Length == 0 ? path.Length > 0 : path.Length > parent.Length + 1 && path.StartsWith(parent + "/", StringComparison.Ordinal);

    private static string Listing(string scheme, string mount, string path) =>
        path.Length == 0 ? $"{scheme}://{mount}/*" : $"{scheme}://{mount}/{path}/*";

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy decision point unavailable for a resource search: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
