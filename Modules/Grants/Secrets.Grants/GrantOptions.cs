namespace Secrets.Grants;

/// <summary>Default obligations: <c>GRANT_TTL_DEFAULT</c> (s, 300) and <c>GRANT_MAX_USES_DEFAULT</c> (1).</summary>
internal sealed record GrantOptions(int TtlSeconds, int MaxUses);
