namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenResourceProperties(
    string? TenantId,
    string? Mount,
    AuthZenResourceAttributes? ResourceAttributes);
