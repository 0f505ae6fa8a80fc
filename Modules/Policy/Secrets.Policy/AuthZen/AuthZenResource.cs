namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenResource(
    string? Type,
    string? Id,
    AuthZenResourceProperties? Properties);
