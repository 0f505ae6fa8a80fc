using System.Diagnostics.Metrics;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Enforcement;

/// <summary>
/// <c>secrets_decisions_total{effect}</c> counts every PEP decision (cache or PDP); the grant cache
/// counters count uses answered from a grant or a cached deny (hit) and uses that needed the PDP (miss).
/// </summary>
internal static class GrantMetrics
{
    private static readonly Counter<long> Decisions = Telemetry.Meter.CreateCounter<long>("secrets_decisions_total");
    private static readonly Counter<long> Hits = Telemetry.Meter.CreateCounter<long>("secrets_grant_cache_hits_total");
    private static readonly Counter<long> Misses = Telemetry.Meter.CreateCounter<long>("secrets_grant_cache_misses_total");

    public static void Decided(bool permitted) =>
        Decisions.Add(1, new KeyValuePair<string, object?>("effect", permitted ? "permit" : "deny"));

    public static void Hit() => Hits.Add(1);

    public static void Miss() => Misses.Add(1);
}
