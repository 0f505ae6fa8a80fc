using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Secrets.Benchmarks;

// Runs PepDecisionBenchmarks and DecisionPartsBenchmarks (arguments go to BenchmarkDotNet, e.g.
// --filter, --artifacts), then writes the ratios that matter next to BenchmarkDotNet's reports
// (pep-ratios.md) and checks that every PEP case logged its two "PEP check … OK" lines and none failed. One Garnet for every Redis case runs here, in
// the runner process, so each measured process holds only the client side (its allocations are the
// PEP's own); PEP_BENCH_REDIS_URL set by the caller points the Redis cases elsewhere instead.
// "auth" first: the authentication benchmarks and load loop instead (build/bench-auth.sh).
if (args is ["auth", .. var authArgs])
    return await AuthMain.RunAsync(authArgs);
// "mint" and "proofs": the tokens of build/bench.sh's bearer and DPoP passes.
if (args is ["mint", var mintDir])
    return LoadTokens.Mint(mintDir);
if (args is ["proofs", var proofDir, var htu, var count, var file])
    return LoadTokens.Proofs(proofDir, htu, int.Parse(count, CultureInfo.InvariantCulture), file);

GarnetForBench? garnet = null;
var redisUrl = Environment.GetEnvironmentVariable(PepDecisionBenchmarks.RedisUrlVariable);
if (string.IsNullOrEmpty(redisUrl))
{
    garnet = GarnetForBench.Start();
    Environment.SetEnvironmentVariable(PepDecisionBenchmarks.RedisUrlVariable, garnet.ConnectionString);   // inherited by the benchmark processes
    Console.WriteLine($"PEP bench: the Redis cases use Garnet in this runner process at {garnet.ConnectionString}");
}
else
{
    Console.WriteLine($"PEP bench: the Redis cases use {PepDecisionBenchmarks.RedisUrlVariable}={redisUrl}");
}

try
{
    var summaries = BenchmarkRunner.Run([typeof(PepDecisionBenchmarks), typeof(DecisionPartsBenchmarks)], config: null, args);
    if (summaries.Length == 0 || summaries.All(s => s.Reports.Length == 0))
        return 1;
    var ratios = Ratios.Write(summaries);
    Console.WriteLine();
    Console.WriteLine(ratios);
    File.WriteAllText(Path.Combine(summaries[0].ResultsDirectoryPath, "pep-ratios.md"), ratios);
    return summaries.All(Checks.AllPassed) ? 0 : 1;
}
finally
{
    garnet?.Dispose();
}

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

internal static class Checks
{
    /// <summary>
    /// Every case produced results; every PEP case logged "PEP check [case] setup: … OK" and
    /// "PEP check [case] run: … OK", and no check line says FAILED.
    /// </summary>
    public static bool AllPassed(Summary summary)
    {
        var log = File.Exists(summary.LogFilePath) ? File.ReadAllLines(summary.LogFilePath) : [];
        var passed = true;
        foreach (var failed in log.Where(line => line.StartsWith(PepDecisionBenchmarks.CheckPrefix, StringComparison.Ordinal) && line.Contains("FAILED", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(failed);
            passed = false;
        }
        foreach (var report in summary.Reports)
        {
            if (!report.Success)
            {
                Console.Error.WriteLine($"{report.BenchmarkCase.DisplayInfo} did not produce results");
                passed = false;
            }
            if (!report.BenchmarkCase.HasParameters)
                continue;
            var name = (string)report.BenchmarkCase.Parameters["Case"];
            foreach (var stage in new[] { "setup", "run" })
            {
                var prefix = $"{PepDecisionBenchmarks.CheckPrefix} [{name}] {stage}:";
                if (!log.Any(line => line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith(": OK", StringComparison.Ordinal)))
                {
                    Console.Error.WriteLine($"{prefix} no OK line in {summary.LogFilePath}");
                    passed = false;
                }
            }
        }
        return passed;
    }
}
