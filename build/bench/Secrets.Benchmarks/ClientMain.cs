using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks client [BenchmarkDotNet arguments]</c>: <see cref="ClientBenchmarks"/> in process, then the two
/// numbers the client is held to (client-ratios.md): a cache hit under 1 µs, a miss within 10% of a raw HttpClient GET.
/// </summary>
internal static class ClientMain
{
    public static int Run(string[] args) => InProcessRun.Run<ClientBenchmarks>(args, 5, 40, Ratios, "client-ratios.md");

    private static string Ratios(Summary summary)
    {
        var medians = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => (Nanos: r.ResultStatistics!.Median,
                Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));
        var text = new StringBuilder();
        text.AppendLine("| measure (medians) | value | goal | met |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        if (medians.TryGetValue("CacheHit", out var hit))
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| cache hit | {hit.Nanos:0} ns, {hit.Bytes} B | < 1,000 ns | {(hit.Nanos < 1000 ? "yes" : "no")} |"));
        if (medians.TryGetValue("ClientStub", out var clientStub) && medians.TryGetValue("RawStub", out var rawStub)
            && medians.TryGetValue("RawHttpClient", out var loopback))
        {
            // the client's own added cost, measured without the network (stable), against one raw call over loopback
            var added = (clientStub.Nanos - rawStub.Nanos) / loopback.Nanos;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| client's own cost − raw's, ÷ one raw loopback call | +{added:0.000} ({clientStub.Nanos / 1000:0.0} − {rawStub.Nanos / 1000:0.0} µs ÷ {loopback.Nanos / 1000:0.0} µs) | < +0.10 | {(added < 0.10 ? "yes" : "no")} |"));
        }
        if (medians.TryGetValue("ClientMiss", out var miss) && medians.TryGetValue("RawHttpClient", out var baseline))
        {
            var ratio = miss.Nanos / baseline.Nanos;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| miss ÷ raw HttpClient | {ratio:0.000} ({miss.Nanos / 1000:0.0} µs ÷ {baseline.Nanos / 1000:0.0} µs; {miss.Bytes} B vs {baseline.Bytes} B) | < 1.10 | {(ratio < 1.10 ? "yes" : "no")} |"));
        }
        return text.ToString();
    }
}
