using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks listing [BenchmarkDotNet arguments]</c>: <see cref="ListingBenchmarks"/> in process (the host is a
/// WebApplicationFactory on Kestrel), then what filtering adds to a listing (listing-ratios.md next to BenchmarkDotNet's
/// reports). Exit 1 when a case fails (its setup checks throw).
/// </summary>
internal static class ListingMain
{
    public static int Run(string[] args) => InProcessRun.Run<ListingBenchmarks>(args, 3, 15, Ratios, "listing-ratios.md");

    private static string Ratios(Summary summary)
    {
        var medians = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters["Case"], r => (Micros: r.ResultStatistics!.Median / 1000.0,
                Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));
        var text = new StringBuilder();
        text.AppendLine("| reading (medians) | µs | ratio | Δ allocated (B) |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (a, b) in new[] { ("Search", "Unfiltered"), ("Batched", "Unfiltered"), ("Batched", "Search") })
        {
            if (!medians.TryGetValue(a, out var x) || !medians.TryGetValue(b, out var y))
                continue;
            var bytes = x.Bytes is { } xb && y.Bytes is { } yb ? (xb - yb).ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture) : "–";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {a} − {b} | {x.Micros - y.Micros:+0.0;-0.0} | {x.Micros / y.Micros:0.00}x | {bytes} |"));
        }
        return text.ToString();
    }
}
