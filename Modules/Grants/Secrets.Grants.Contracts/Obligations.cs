namespace Secrets.Grants.Contracts;

/// <summary>Obligations of a permit (docs/AUTHORIZATION.md). <see cref="RequireBinding"/>: dpop, mtls, any, or null for none.</summary>
public sealed record Obligations(int TtlSeconds, int MaxUses, string? RequireBinding);
