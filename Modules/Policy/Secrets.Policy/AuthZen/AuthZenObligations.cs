namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenObligations(
    int? TtlSeconds,
    int? MaxUses,
    string? RequireBinding);
