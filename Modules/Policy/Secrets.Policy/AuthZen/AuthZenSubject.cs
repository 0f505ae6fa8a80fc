namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenSubject(
    string? Type,
    string? Id,
    AuthZenSubjectProperties? Properties);
