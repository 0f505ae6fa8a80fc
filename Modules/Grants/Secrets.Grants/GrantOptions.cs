namespace Secrets.Grants;

/// <summary>
/// How the PEP behaves. <see cref="Enforce"/>: <c>ENABLE_AUTHORIZATION</c> (off in dev, on in test and
/// prod); default obligations <c>GRANT_TTL_DEFAULT</c> (s, 300) and <c>GRANT_MAX_USES_DEFAULT</c> (1);
/// <c>NEGATIVE_CACHE_TTL_S</c> (5, 0 = denies are not cached); <see cref="DecisionWait"/>: how long a
/// miss waits for another caller's decision of the same grant before asking the PDP itself.
/// <see cref="FilterListings"/>: <c>LISTING_FILTER</c> (<c>pdp</c>, the default with authorization, or <c>off</c>).
/// </summary>
internal sealed record GrantOptions(bool Enforce, int TtlSeconds, int MaxUses, int NegativeCacheSeconds, TimeSpan DecisionWait)
{
    public bool FilterListings { get; init; } = true;

    /// <summary>How many entries of a listing go to the PDP in one batch.</summary>
    public int FilterBatchSize { get; init; } = 100;
}
