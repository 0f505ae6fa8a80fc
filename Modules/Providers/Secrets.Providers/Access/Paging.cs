using FluentValidation;
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

/// <summary>
/// Paging rules. The bounds that do not depend on configuration live in the validator; the
/// <c>LIST_MAX_LIMIT</c> bound is checked by the endpoint, which has the host's own options
/// (validators are shared singletons and must not resolve per-host services).
/// </summary>
internal static class PagingRules
{
    public static void AddPagingRules<T>(this AbstractValidator<T> validator) where T : PagedRequest
    {
        validator.RuleFor(x => x.Offset).GreaterThanOrEqualTo(0);
        validator.RuleFor(x => x.Limit).GreaterThanOrEqualTo(1);
    }

    /// <summary>
    /// A limit above <c>LIST_MAX_LIMIT</c> is a validation failure of the endpoint, refused (400
    /// INVALID_REQUEST) where the access pipeline checks the request's shape.
    /// </summary>
    public static void CheckLimit(this PagedRequest request, FastEndpoints.BaseEndpoint endpoint, ListingOptions listing)
    {
        if (request.Limit > listing.MaxLimit)
            endpoint.ValidationFailures.Add(new FluentValidation.Results.ValidationFailure("limit", $"'limit' must be between 1 and {listing.MaxLimit}."));
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
