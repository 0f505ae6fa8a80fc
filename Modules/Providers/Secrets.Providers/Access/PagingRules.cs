using FluentValidation;
using Secrets.Providers.Kv;

namespace Secrets.Providers.Access;

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
