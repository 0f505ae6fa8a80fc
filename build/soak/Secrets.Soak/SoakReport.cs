using System.Globalization;
using System.Text;

namespace Secrets.Soak;

/// <summary>
/// The run's report: the sample table, the answers per operation with p50/p99, the slope of each host metric over the
/// second half of the run, and the failures (any unexpected answer or transport error; with
/// <c>--check-slopes</c> a slope above its limit, for threads and handles only when their band moved up as well).
/// </summary>
internal sealed class SoakReport(
    SoakOptions options, SoakMix mix, IReadOnlyList<OperationCounts> counts, IReadOnlyList<HostSample> samples,
    long sent, TimeSpan elapsed)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void WriteCsv(string path)
    {
        var csv = new StringBuilder("t_s,rss_mb,gc_heap_mb,gen2,threads,handles,rps,p99_ms,errors\n");
        foreach (var s in samples)
            csv.Append(Invariant, $"{s.T:0.0},{s.RssMb:0.00},{s.GcHeapMb?.ToString("0.00", Invariant) ?? ""},{s.Gen2?.ToString(Invariant) ?? ""},{s.Threads},{s.Handles},{s.Rps:0.0},{s.P99Ms:0.000},{s.Errors}\n");
        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>Writes the report and answers its failures.</summary>
    public List<string> Print(TextWriter output)
    {
        var failures = new List<string>();
        var load = options.Closed > 0 ? $"closed loop, {options.Closed} workers" : string.Create(Invariant, $"{options.Rate:0} req/s fixed rate after a {options.WarmupS} s ramp");
        output.WriteLine();
        output.WriteLine(string.Create(Invariant, $"## Soak: {elapsed.TotalSeconds:0} s, {load}, {options.Connections} connections, a sample every {options.SampleS} s"));
        output.WriteLine();
        output.WriteLine($"mix per {mix.Cycle} requests: {SoakMix.Describe(mix.Operations)}");
        output.WriteLine();
        output.WriteLine("| time s | RSS MB | GC heap MB | gen2 GCs | threads | handles | req/s | p99 ms | errors |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in samples)
            output.WriteLine(string.Create(Invariant,
                $"| {s.T:0} | {s.RssMb:0.0} | {Optional(s.GcHeapMb, "0.0")} | {s.Gen2?.ToString(Invariant) ?? "–"} | {s.Threads} | {s.Handles} | {s.Rps:0} | {s.P99Ms:0.00} | {s.Errors} |"));

        var total = new LatencyHistogramSummary(counts);
        output.WriteLine();
        output.WriteLine("| operation | expected | answers | outcomes | p50 ms | p99 ms |");
        output.WriteLine("| --- | :---: | ---: | --- | ---: | ---: |");
        foreach (var c in counts)
            output.WriteLine(string.Create(Invariant, $"| {c.Operation.Name} | {c.Operation.Expected} | {c.Total} | {c.Outcomes()} | {c.Latency.PercentileMs(0.50):0.00} | {c.Latency.PercentileMs(0.99):0.00} |"));
        output.WriteLine(string.Create(Invariant, $"| all | | {total.Answers} | {total.Unexpected} unexpected | {total.P50:0.00} | {total.P99:0.00} |"));
        output.WriteLine();
        output.WriteLine(string.Create(Invariant,
            $"sent {sent} requests in {elapsed.TotalSeconds:0.0} s ({sent / elapsed.TotalSeconds:0} req/s), answered {total.Answers}; latency from each request's due time: p50 {total.P50:0.00} ms, p99 {total.P99:0.00} ms"));

        foreach (var c in counts.Where(c => c.Unexpected > 0))
        {
            failures.Add($"{c.Operation.Name}: {c.Unexpected} answers other than {c.Operation.Expected} ({c.Outcomes()})");
            foreach (var body in c.UnexpectedBodies)
                output.WriteLine($"  {c.Operation.Name} answered {body}");
        }
        if (total.Answers == 0)
            failures.Add("no request was answered");

        PrintSlopes(output, failures);
        return failures;
    }

    private void PrintSlopes(TextWriter output, List<string> failures)
    {
        var half = elapsed.TotalSeconds / 2;
        var late = samples.Where(s => s.T >= half).ToList();
        output.WriteLine();
        if (late.Count < 3)
        {
            output.WriteLine($"slopes: too few samples in the second half ({late.Count}) to fit a line");
            if (options.CheckSlopes)
                failures.Add("too few samples for the slopes");
            return;
        }
        var heap = late.Where(s => s.GcHeapMb is not null).ToList();
        var gen2 = late.Where(s => s.Gen2 is not null).ToList();
        // Threads and handles are counts that step up and down as the thread pool and the connection pools churn (a band
        // some 30 handles wide in a 10-minute run): a slope over such steps is not growth unless the band itself moves, so
        // they fail only when, beyond their limit, the last quarter of the run never comes back down to the highest count
        // of the first half after the warm-up. RSS and the GC heap fail on their slope alone.
        var slopes = new List<(string Name, double PerMinute, string Unit, double? Limit, Func<HostSample, double>? Band)>
        {
            ("RSS", PerMinute(late, s => s.RssMb), "MB/min", options.MaxRssSlope, null),
            ("GC heap", heap.Count >= 3 ? PerMinute(heap, s => s.GcHeapMb!.Value) : double.NaN, "MB/min", options.MaxHeapSlope, null),
            ("threads", PerMinute(late, s => s.Threads), "/min", options.MaxThreadsSlope, s => s.Threads),
            ("handles", PerMinute(late, s => s.Handles), "/min", options.MaxHandlesSlope, s => s.Handles),
            ("gen2 GCs", gen2.Count >= 3 ? PerMinute(gen2, s => s.Gen2!.Value) : double.NaN, "/min", null, null),
            ("req/s", PerMinute(late, s => s.Rps), "per min", null, null),
        };
        output.WriteLine(string.Create(Invariant,
            $"slopes (least squares over the second half, t >= {half:0} s, {late.Count} samples; limits {(options.CheckSlopes ? "checked" : "not checked in this mode")}):"));
        foreach (var (name, perMinute, unit, limit, band) in slopes)
        {
            var limitText = limit is { } l ? string.Create(Invariant, $" (limit {l:+0.##} {unit})") : "";
            var bandText = band is null ? "" : " " + Band(band, half);
            output.WriteLine(string.Create(Invariant, $"- {name} {(double.IsNaN(perMinute) ? "n/a" : perMinute.ToString("+0.000;-0.000", Invariant))} {unit}{limitText}{bandText}"));
            if (options.CheckSlopes && limit is { } max && (double.IsNaN(perMinute) || perMinute > max) && (band is null || LeftItsBand(band, half)))
                failures.Add(string.Create(Invariant, $"{name} grows {perMinute:0.000} {unit}, above the limit {max:0.##}{bandText}"));
        }
    }

    /// <summary>The settled first half (after the warm-up, before the middle) and the last quarter of the run.</summary>
    private (List<HostSample> Settled, List<HostSample> LastQuarter) Halves(double half) =>
        (samples.Where(s => s.T >= options.WarmupS && s.T < half).ToList(), samples.Where(s => s.T >= elapsed.TotalSeconds * 0.75).ToList());

    private bool LeftItsBand(Func<HostSample, double> value, double half)
    {
        var (settled, lastQuarter) = Halves(half);
        return settled.Count == 0 || lastQuarter.Count == 0 || lastQuarter.Min(value) > settled.Max(value);
    }

    private string Band(Func<HostSample, double> value, double half)
    {
        var (settled, lastQuarter) = Halves(half);
        return settled.Count == 0 || lastQuarter.Count == 0 ? "" : string.Create(Invariant,
            $"(first half after the warm-up {settled.Min(value):0}–{settled.Max(value):0}, last quarter {lastQuarter.Min(value):0}–{lastQuarter.Max(value):0})");
    }

    /// <summary>The least-squares slope of <paramref name="value"/> against time, per minute.</summary>
    private static double PerMinute(IReadOnlyList<HostSample> points, Func<HostSample, double> value)
    {
        var meanT = points.Average(p => p.T);
        var meanV = points.Average(value);
        var covariance = points.Sum(p => (p.T - meanT) * (value(p) - meanV));
        var variance = points.Sum(p => (p.T - meanT) * (p.T - meanT));
        return variance == 0 ? 0 : covariance / variance * 60;
    }

    private static string Optional(double? value, string format) => value?.ToString(format, Invariant) ?? "–";

    /// <summary>Every operation together: answers, unexpected ones, and the merged latency percentiles.</summary>
    private sealed class LatencyHistogramSummary
    {
        public LatencyHistogramSummary(IReadOnlyList<OperationCounts> counts)
        {
            Answers = counts.Sum(c => c.Total);
            Unexpected = counts.Sum(c => c.Unexpected);
            var merged = LatencyHistogram.Merge(counts.Select(c => c.Latency));
            P50 = merged.PercentileMs(0.50);
            P99 = merged.PercentileMs(0.99);
        }

        public long Answers { get; }
        public long Unexpected { get; }
        public double P50 { get; }
        public double P99 { get; }
    }
}
