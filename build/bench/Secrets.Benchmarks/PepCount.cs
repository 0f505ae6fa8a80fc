namespace Secrets.Benchmarks;

/// <summary>Uses answered from a grant (hits), uses that went to the PDP (misses), decisions and denies among them.</summary>
internal readonly record struct PepCount(long Hits, long Misses, long Decisions, long Denies)
{
    public override string ToString() => $"{Decisions:N0} decisions ({Denies:N0} denied), {Hits:N0} hits, {Misses:N0} misses";
}
