using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

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
