using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks auth [BenchmarkDotNet arguments]</c>: <see cref="AuthBenchmarks"/> in process (the host is a
/// WebApplicationFactory on Kestrel, so no generated project), then the closed-loop load of <see cref="AuthLoad"/>,
/// then the ratios (auth-ratios.md next to BenchmarkDotNet's reports). Exit 1 when a case or a check fails.
/// </summary>
internal static class AuthMain
{
    public static async Task<int> RunAsync(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15).AsDefault());
        var summary = BenchmarkRunner.Run<AuthBenchmarks>(config, args);
        var passed = summary.Reports.Length > 0 && summary.Reports.All(r => r.Success);
        var ratios = AuthRatios.Write(summary);
        Console.WriteLine();
        Console.WriteLine(ratios);

        var seconds = int.Parse(Environment.GetEnvironmentVariable("AUTH_LOAD_SECONDS") ?? "10", CultureInfo.InvariantCulture);
        var clients = int.Parse(Environment.GetEnvironmentVariable("AUTH_LOAD_CLIENTS") ?? "16", CultureInfo.InvariantCulture);
        var load = await AuthLoad.RunAsync(clients, TimeSpan.FromSeconds(seconds));
        Console.WriteLine(load);
        var resultsDir = summary.ResultsDirectoryPath;
        Directory.CreateDirectory(resultsDir);
        File.WriteAllText(Path.Combine(resultsDir, "auth-ratios.md"), ratios + Environment.NewLine + load);
        return passed && !load.Contains("FAILED", StringComparison.Ordinal) ? 0 : 1;
    }
}

internal static class AuthRatios
{
    public static string Write(Summary summary)
    {
        var means = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => (string)r.BenchmarkCase.Parameters["Case"], r => r.ResultStatistics!.Median / 1000.0);   // the median: the machine is shared, the mean carries its spikes
        var text = new StringBuilder();
        text.AppendLine("| reading (medians) | µs |");
        text.AppendLine("| --- | ---: |");
        void Line(string label, string a, string? b, string? c = null)
        {
            if (!means.TryGetValue(a, out var x) || (b is not null && !means.ContainsKey(b)) || (c is not null && !means.ContainsKey(c)))
                return;
            var value = x - (b is null ? 0 : means[b]) - (c is null ? 0 : means[c]);
            var ratio = b is null || c is not null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({x / means[b]:0.00}x)");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {value:+0.0;-0.0}{ratio} |"));
        }
        Line("Bearer − Anonymous (RS256 token validation)", "Bearer", "Anonymous");
        Line("Dpop − Anonymous (DPoP token + proof, client and server)", "Dpop", "Anonymous");
        Line("Dpop − Bearer (what DPoP adds over a bearer token)", "Dpop", "Bearer");
        Line("DpopProofOnly (making one ES256 proof, client side)", "DpopProofOnly", null);
        Line("Dpop − Bearer − DpopProofOnly (the server's share of DPoP)", "Dpop", "Bearer", "DpopProofOnly");
        Line("TlsBearer − Bearer (TLS on a kept-alive connection)", "TlsBearer", "Bearer");
        Line("TlsMtls − TlsBearer (certificate binding, connection kept alive)", "TlsMtls", "TlsBearer");
        return text.ToString();
    }
}

/// <summary>
/// A closed loop: <c>clients</c> workers, each sending the next request as soon as the last one answered, for
/// <c>duration</c> (after 2 s of warm-up), against one plain-HTTP host (as <see cref="AuthBenchmarks"/>): an RS256
/// bearer token, then a DPoP-bound token with a fresh ES256 proof per request. Prints req/s and latency p50/p99.
/// Client and server share this process and its cores.
/// </summary>
internal static class AuthLoad
{
    public static async Task<string> RunAsync(int clients, TimeSpan duration)
    {
        using var host = new AuthBenchHost(tls: false);
        using var client = host.Client(null);
        client.Timeout = TimeSpan.FromSeconds(30);
        using var key = ProofKey.Ec("ES256");
        var bearer = host.Issuer.Token();
        var bound = host.Issuer.Token(TestIssuer.BoundToDpop(key));
        var htu = new Uri(host.BaseAddress, "/api/secrets/value").ToString();

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Closed loop: {clients} concurrent clients, {duration.TotalSeconds:0} s each after 2 s warm-up, one process (client + server), {Environment.ProcessorCount} cores"));
        text.AppendLine();
        text.AppendLine("| variant | requests | req/s | p50 (ms) | p99 (ms) | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, send) in new (string, Func<Task<int>>)[]
        {
            ("bearer (RS256)", () => AuthBenchHost.SendAsync(client, "Bearer", bearer, null)),
            ("DPoP (ES256 proof per request)", () => AuthBenchHost.SendAsync(client, "DPoP", bound, DpopProofs.Proof(key, "GET", htu, bound))),
        })
        {
            await Loop(clients, TimeSpan.FromSeconds(2), send);
            var (latencies, errors, elapsed) = await Loop(clients, duration, send);
            latencies.Sort();
            double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {latencies.Count} | {latencies.Count / elapsed.TotalSeconds:0} | {P(0.50):0.00} | {P(0.99):0.00} | {errors} |");
            text.AppendLine(line);
            Console.WriteLine("AUTH load " + line);
            if (errors > 0)
                text.AppendLine($"AUTH load {name}: FAILED ({errors} requests did not answer 200)");
        }
        return text.ToString();
    }

    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> Loop(int clients, TimeSpan duration, Func<Task<int>> send)
    {
        var all = new ConcurrentBag<List<double>>();
        var errors = 0;
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < until)
            {
                var t = Stopwatch.GetTimestamp();
                try
                {
                    await send();
                    mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            all.Add(mine);
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (all.SelectMany(l => l).ToList(), errors, elapsed);
    }
}
