namespace Secrets.Policy.AuthZen;

/// <summary>A search request's <c>page</c> as the client sends it (AuthZEN 1.0 §8.2.1): the previous <c>next_token</c> and the page size.</summary>
internal sealed record AuthZenPageRequest(
    string? Token,
    int? Limit);
