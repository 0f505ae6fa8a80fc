namespace Secrets.Grants;

/// <summary>
/// How the PEP behaves. <see cref="Enforce"/>: <c>ENABLE_AUTHORIZATION</c> (off in dev, on in test and
/// prod); default obligations <c>GRANT_TTL_DEFAULT</c> (s, 300) and <c>GRANT_MAX_USES_DEFAULT</c> (1);
/// <c>NEGATIVE_CACHE_TTL_S</c> (5, 0 = denies are not cached); <see cref="DecisionWait"/>: how long a
/// miss waits for another caller's decision of the same grant before asking the PDP itself.
/// </summary>
internal sealed record GrantOptions(bool Enforce, int TtlSeconds, int MaxUses, int NegativeCacheSeconds, TimeSpan DecisionWait);
