namespace Secrets.Policy.AuthZen;

/// <summary>A search answer's <c>page</c> (AuthZEN 1.0 §8.2.2): <c>next_token</c> is <c>""</c> on the last page.</summary>
internal sealed record AuthZenPage(
    string NextToken,
    int? Count,
    int? Total);
