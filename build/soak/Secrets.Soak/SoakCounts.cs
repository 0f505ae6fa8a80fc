using System.Collections.Concurrent;

namespace Secrets.Soak;

/// <summary>Latencies in buckets 2 % wide (1 µs to over a minute): percentiles to within 2 %, in constant memory.</summary>
internal sealed class LatencyHistogram
{
    private static readonly double LogBase = Math.Log(1.02);
    private readonly long[] buckets = new long[1000];
    private long count;

    public long Count => Interlocked.Read(ref count);

    public void Record(TimeSpan latency)
    {
        var us = Math.Max(1.0, latency.TotalMicroseconds);
        var index = Math.Min(buckets.Length - 1, (int)(Math.Log(us) / LogBase));
        Interlocked.Increment(ref buckets[index]);
        Interlocked.Increment(ref count);
    }

    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> parts)
    {
        var merged = new LatencyHistogram();
        foreach (var part in parts)
        {
            for (var i = 0; i < merged.buckets.Length; i++)
                merged.buckets[i] += Interlocked.Read(ref part.buckets[i]);
            merged.count += part.Count;
        }
        return merged;
    }

    /// <summary>The latency below which <paramref name="q"/> of the recorded ones are, in ms (the bucket's upper edge); 0 when empty.</summary>
    public double PercentileMs(double q)
    {
        var total = Count;
        if (total == 0)
            return 0;
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += Interlocked.Read(ref buckets[i]);
            if (seen >= rank)
                return Math.Pow(1.02, i + 1) / 1000;
        }
        return Math.Pow(1.02, buckets.Length) / 1000;
    }
}

/// <summary>
/// Every answer to one operation: by status, plus connection errors and timeouts (no status), the latencies, and the
/// first few bodies of each unexpected status (error bodies never carry a secret value, so they can be shown).
/// </summary>
internal sealed class OperationCounts(SoakOperation operation)
{
    public const int ConnectionError = 0;
    public const int Timeout = 1;
    private const int KeptBodies = 3;
    private readonly long[] statuses = new long[600];
    private readonly ConcurrentQueue<string> bodies = new();

    public SoakOperation Operation { get; } = operation;

    public LatencyHistogram Latency { get; } = new();

    public IReadOnlyCollection<string> UnexpectedBodies => bodies;

    /// <summary>Counts one outcome (a status, or <see cref="ConnectionError"/> / <see cref="Timeout"/>); true when it was expected.</summary>
    public bool Record(int status, TimeSpan latency)
    {
        Interlocked.Increment(ref statuses[Math.Clamp(status, 0, statuses.Length - 1)]);
        Latency.Record(latency);
        return status > Timeout && Operation.IsExpected(status);
    }

    public bool WantsBody(int status) => !Operation.IsExpected(status) && bodies.Count < KeptBodies;

    public void KeepBody(int status, string body) => bodies.Enqueue($"{status}: {(body.Length > 400 ? body[..400] + "…" : body)}");

    public long Total => statuses.Sum();

    public long Unexpected => Enumerable.Range(0, statuses.Length).Where(s => statuses[s] > 0 && (s <= Timeout || !Operation.IsExpected(s))).Sum(s => statuses[s]);

    /// <summary>"200 ×1234, 409 ×2, connection error ×1": every outcome seen.</summary>
    public string Outcomes() => string.Join(", ", Enumerable.Range(0, statuses.Length).Where(s => statuses[s] > 0).Select(s => s switch
    {
        ConnectionError => $"connection error ×{statuses[s]}",
        Timeout => $"timeout ×{statuses[s]}",
        _ => $"{s} ×{statuses[s]}",
    }));
}

/// <summary>What completed since the last sample: answers, unexpected outcomes and their latencies.</summary>
internal sealed class IntervalCounts
{
    private long completed;
    private long unexpected;

    public LatencyHistogram Latency { get; } = new();

    public long Completed => Interlocked.Read(ref completed);

    public long Unexpected => Interlocked.Read(ref unexpected);

    public void Record(bool expected, TimeSpan latency)
    {
        Interlocked.Increment(ref completed);
        if (!expected)
            Interlocked.Increment(ref unexpected);
        Latency.Record(latency);
    }
}
