using System.Diagnostics.Metrics;
using Secrets.Shared.Kernel;

namespace Secrets.Benchmarks;

/// <summary>
/// Counts what the PEP reports through its own metrics (GrantMetrics): grant-cache hits, misses and
/// decisions by effect. It listens for the whole run, as the host's OpenTelemetry meter provider
/// does (a listened counter costs a callback, tens of nanoseconds, and no allocation).
/// </summary>
internal sealed class PepCounters : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Tally hits = new();
    private readonly Tally misses = new();
    private readonly Tally decisions = new();
    private readonly Tally denies = new();

    public PepCounters()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != Telemetry.Name)
                return;
            var tally = instrument.Name switch
            {
                "secrets_grant_cache_hits_total" => hits,
                "secrets_grant_cache_misses_total" => misses,
                "secrets_decisions_total" => decisions,
                _ => null,
            };
            if (tally is not null)
                l.EnableMeasurementEvents(instrument, tally);
        };
        listener.SetMeasurementEventCallback<long>(OnMeasurement);
        listener.Start();
    }

    public PepCount Read() => new(hits.Value, misses.Value, decisions.Value, denies.Value);

    public void Reset()
    {
        foreach (var tally in new[] { hits, misses, decisions, denies })
            Interlocked.Exchange(ref tally.Value, 0);
    }

    public void Dispose() => listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var tally = (Tally)state!;
        Interlocked.Add(ref tally.Value, value);
        if (ReferenceEquals(tally, decisions))
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "effect", Value: "deny" })
                    Interlocked.Add(ref denies.Value, value);
            }
        }
    }

    private sealed class Tally
    {
        public long Value;
    }
}
