namespace Secrets.Policy.AuthZen;

/// <summary>POST /access/v1/search/action answer (AuthZEN 1.0 §8.3): <c>page</c> first, then the actions.</summary>
internal sealed record AuthZenActionSearchResponse(
    AuthZenPage Page,
    IReadOnlyList<AuthZenAction> Results);
