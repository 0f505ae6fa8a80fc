using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

internal static class Ratios
{
    /// <summary>The ratios docs/BENCHMARKS.md quotes, from the first job of each case.</summary>
    public static string Write(IEnumerable<Summary> summaries)
    {
        var results = new Dictionary<string, (double Mean, long? Bytes)>(StringComparer.Ordinal);
        foreach (var report in summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null))
        {
            var name = report.BenchmarkCase.HasParameters
                ? (string)report.BenchmarkCase.Parameters["Case"]
                : report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            results.TryAdd(name, (report.ResultStatistics!.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
        }

        var text = new StringBuilder();
        text.AppendLine("| ratio | time | Δ time (µs) | allocated | Δ allocated (B) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        void Row(string label, string a, string b)
        {
            if (!results.TryGetValue(a, out var x) || !results.TryGetValue(b, out var y))
                return;
            var bytes = x.Bytes is { } xb && y.Bytes is { } yb && yb > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{(double)xb / yb:0.00}x | {xb - yb:+#,0;-#,0;0}")
                : "– | –";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label}: {a} / {b} | {x.Mean / y.Mean:0.00}x | {(x.Mean - y.Mean) / 1000:+0.0;-0.0} | {bytes} |"));
        }
        foreach (var state in new[] { "InMemory", "Redis" })
        {
            Row("miss/hit", $"Miss/{state}", $"Hit/{state}");
            Row("miss/hit", $"CopyMiss/{state}", $"CopyHit/{state}");
        }
        foreach (var cache in new[] { "Hit", "Miss", "CopyHit", "CopyMiss" })
            Row("Redis/in-memory", $"{cache}/Redis", $"{cache}/InMemory");
        foreach (var state in new[] { "InMemory", "Redis" })
            Row("hit/off", $"Hit/{state}", "Off");
        Row("miss/off", "Miss/InMemory", "Off");
        foreach (var state in new[] { "InMemory", "Redis" })
        {
            Row("copy/single", $"CopyHit/{state}", $"Hit/{state}");
            Row("copy/single", $"CopyMiss/{state}", $"Miss/{state}");
        }

        // Where the time goes: differences between cases against the pieces measured alone.
        double? Mean(string name) => results.TryGetValue(name, out var r) ? r.Mean / 1000 : null;
        long? Bytes(string name) => results.TryGetValue(name, out var r) ? r.Bytes : null;
        text.AppendLine();
        text.AppendLine("| reading | µs | B |");
        text.AppendLine("| --- | ---: | ---: |");
        void Line(string label, double? us, double? bytes)
        {
            if (us is not null)
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {us:0.0} | {(bytes is null ? "–" : bytes.Value.ToString("#,0", CultureInfo.InvariantCulture))} |"));
        }
        Line("Miss/InMemory − Hit/InMemory (what a fresh decision adds)", Mean("Miss/InMemory") - Mean("Hit/InMemory"), Bytes("Miss/InMemory") - Bytes("Hit/InMemory"));
        Line("AttributesHop + PdpHop (its two mediator hops, measured alone)", Mean("AttributesHop") + Mean("PdpHop"), Bytes("AttributesHop") + Bytes("PdpHop"));
        Line("Hit/Redis − Hit/InMemory (one grant-state round trip: the use script)", Mean("Hit/Redis") - Mean("Hit/InMemory"), Bytes("Hit/Redis") - Bytes("Hit/InMemory"));
        Line("(Miss/Redis − Miss/InMemory) / 5 (a miss makes five round trips)", (Mean("Miss/Redis") - Mean("Miss/InMemory")) / 5, (Bytes("Miss/Redis") - Bytes("Miss/InMemory")) / 5.0);
        Line("RedisEvalSha (a no-op script, measured alone)", Mean("RedisEvalSha"), Bytes("RedisEvalSha"));
        Line("RedisPing (measured alone)", Mean("RedisPing"), Bytes("RedisPing"));
        return text.ToString();
    }
}
