using Secrets.Providers.Kv;

namespace Secrets.Providers.Access;

/// <summary>offset/limit of listings and search (docs/API.md: limit default 100, max <c>LIST_MAX_LIMIT</c>).</summary>
internal abstract class PagedRequest
{
    public int Offset { get; init; }
    public int? Limit { get; init; }

    /// <summary>The asked limit, or the default capped by the configured maximum.</summary>
    public int EffectiveLimit(ListingOptions listing) => Limit ?? Math.Min(ListingOptions.DefaultLimit, listing.MaxLimit);
}
