using FluentValidation;
using Secrets.Providers.Kv;

namespace Secrets.Providers.Access;

/// <summary>offset/limit of listings and search (SPEC §4: limit default 100, max <c>LIST_MAX_LIMIT</c>).</summary>
internal abstract class PagedRequest
{
    public int Offset { get; init; }
    public int? Limit { get; init; }

    /// <summary>The asked limit, or the default capped by the configured maximum.</summary>
    public int EffectiveLimit(ListingOptions listing) => Limit ?? Math.Min(ListingOptions.DefaultLimit, listing.MaxLimit);
}

internal static class PagingRules
{
    public static void AddPagingRules<T>(this AbstractValidator<T> validator, int maxLimit) where T : PagedRequest
    {
        validator.RuleFor(x => x.Offset).GreaterThanOrEqualTo(0);
        validator.RuleFor(x => x.Limit).InclusiveBetween(1, maxLimit);
    }
}

internal sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total, int? NextOffset)
{
    public static Page<T> Of(IReadOnlyList<T> all, int offset, int limit)
    {
        var items = all.Skip(offset).Take(limit).ToList();
        var next = offset + items.Count < all.Count ? offset + items.Count : (int?)null;
        return new Page<T>(items, offset, limit, all.Count, next);
    }
}
