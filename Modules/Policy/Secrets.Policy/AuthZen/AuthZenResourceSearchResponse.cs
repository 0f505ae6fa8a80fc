namespace Secrets.Policy.AuthZen;

/// <summary>POST /access/v1/search/resource answer (AuthZEN 1.0 §8.3): <c>page</c> first, then <c>context</c> and the resources.</summary>
internal sealed record AuthZenResourceSearchResponse(
    AuthZenPage Page,
    AuthZenResourceSearchContext Context,
    IReadOnlyList<AuthZenResource> Results);
