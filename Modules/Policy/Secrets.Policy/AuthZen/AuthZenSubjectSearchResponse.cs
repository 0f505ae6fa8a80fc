namespace Secrets.Policy.AuthZen;

/// <summary>POST /access/v1/search/subject answer (AuthZEN 1.0 §8.3): <c>page</c> first, then <c>context</c> and the subjects.</summary>
internal sealed record AuthZenSubjectSearchResponse(
    AuthZenPage Page,
    AuthZenSearchContext Context,
    IReadOnlyList<AuthZenSubject> Results);
