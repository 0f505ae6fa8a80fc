namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenSubjectProperties(
    string? TenantId,
    string? ClientId,
    string? Issuer,
    string? CnfBinding);
