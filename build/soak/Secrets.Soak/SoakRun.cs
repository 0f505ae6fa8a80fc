using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Secrets.Soak;

/// <summary>
/// The run: seed, then an open-loop schedule (request n is due at start + n / rate, sent when due whatever the host is
/// doing, its latency counted from that due time, so a stalled host shows in the percentiles rather than slowing the
/// load down), a sample of the host every <c>--sample</c> seconds, and the report.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(SoakOptions options)
    {
        var mix = new SoakMix(Token(options, "app.txt"), Token(options, "intruder.txt"));
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = SoakOptions.RequestTimeout };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        if (!await SeedAsync(http, mix))
            return 1;

        var host = new HostProcFs(options.Pid);
        var counts = mix.Operations.ToDictionary(o => o, o => new OperationCounts(o));
        var interval = new IntervalCounts();
        var samples = new List<HostSample>();
        var hostDied = false;
        var duration = TimeSpan.FromSeconds(options.DurationS);
        var start = Stopwatch.GetTimestamp();

        async Task FireAsync(long n, long due)
        {
            var (operation, request) = mix.Next(n);
            var counted = counts[operation];
            int status;
            try
            {
                using (request)
                using (var response = await http.SendAsync(request))
                {
                    status = (int)response.StatusCode;
                    if (counted.WantsBody(status))
                        counted.KeepBody(status, await response.Content.ReadAsStringAsync());
                }
            }
            catch (TaskCanceledException)
            {
                status = OperationCounts.Timeout;
            }
            catch (HttpRequestException)
            {
                status = OperationCounts.ConnectionError;
            }
            var latency = Stopwatch.GetElapsedTime(due);
            Volatile.Read(ref interval).Record(counted.Record(status, latency), latency);
        }

        void TakeSample(ref IntervalCounts current, ref long lastTick)
        {
            var now = Stopwatch.GetTimestamp();
            var ended = Interlocked.Exchange(ref current, new IntervalCounts());
            var seconds = Stopwatch.GetElapsedTime(lastTick, now).TotalSeconds;
            lastTick = now;
            var readings = host.Read();
            if (readings is not { } r)
            {
                hostDied = true;
                return;
            }
            var sample = new HostSample(DateTime.Now, Stopwatch.GetElapsedTime(start, now).TotalSeconds, r.RssMb, r.Threads, r.Handles,
                ended.Completed / Math.Max(seconds, 1e-3), ended.Unexpected, ended.Latency.PercentileMs(0.99));
            samples.Add(sample);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: t={sample.T:0}s rss={sample.RssMb:0.0}MB threads={sample.Threads} handles={sample.Handles} req/s={sample.Rps:0} p99={sample.P99Ms:0.00}ms errors={sample.Errors}"));
        }

        var sampleEvery = Stopwatch.Frequency * options.SampleS;
        var lastSample = start;
        var nextSample = start;
        TakeSample(ref interval, ref lastSample);   // the baseline at t = 0, before any load
        nextSample += sampleEvery;

        long sent = 0;
        var workers = new List<Task>();
        if (options.Closed > 0)
        {
            // Closed loop, to find the maximum: N workers, each sending its next request when its last one is answered.
            for (var w = 0; w < options.Closed; w++)
            {
                workers.Add(Task.Run(async () =>
                {
                    while (Stopwatch.GetElapsedTime(start) < duration && !hostDied)
                        await FireAsync(Interlocked.Increment(ref sent) - 1, Stopwatch.GetTimestamp());
                }));
            }
        }

        // Open loop: the rate rises linearly from 0 over the warm-up (while the host's code is still being tiered up), then holds.
        double rate = options.Rate, warmup = options.WarmupS, rampRequests = rate * warmup / 2;
        double DueBy(double t) => t < warmup ? rate * t * t / (2 * warmup) : rampRequests + (rate * (t - warmup));
        double DueAt(long n) => n < rampRequests ? Math.Sqrt(2 * warmup * n / rate) : warmup + ((n - rampRequests) / rate);
        var pending = new List<Task>();
        while (!hostDied)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(start, now);
            if (elapsed >= duration)
                break;
            if (options.Closed == 0)
            {
                var due = (long)DueBy(elapsed.TotalSeconds);
                // A host that stalls does not slow this down: its requests wait in the client's pool until they time out.
                for (; sent < due; sent++)
                    pending.Add(FireAsync(sent, start + (long)(DueAt(sent) * Stopwatch.Frequency)));
                if (pending.Count > 10_000)
                    pending.RemoveAll(t => t.IsCompleted);
            }
            if (now >= nextSample)
            {
                TakeSample(ref interval, ref lastSample);
                nextSample += sampleEvery;
            }
            await Task.Delay(1);
        }
        var ran = Stopwatch.GetElapsedTime(start);
        await Task.WhenAll([.. workers, .. pending]);
        if (!hostDied)
            TakeSample(ref interval, ref lastSample);

        var joined = RuntimeCounters.Join(samples, options.Counters);
        var report = new SoakReport(options, mix, counts.Values.ToList(), joined, sent, ran);
        report.WriteCsv(Path.Combine(options.Out, "samples.csv"));
        var failures = report.Print(Console.Out);
        if (hostDied || !host.IsAlive)
            failures.Add("the host died during the run");
        foreach (var failure in failures)
            Console.WriteLine($"soak: FAILED: {failure}");
        if (failures.Count == 0)
            Console.WriteLine("soak: OK");
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task<bool> SeedAsync(HttpClient http, SoakMix mix)
    {
        foreach (var request in mix.Seed())
        {
            using (request)
            using (var response = await http.SendAsync(request))
            {
                if ((int)response.StatusCode != 200)
                {
                    Console.WriteLine($"soak: FAILED: seeding: {request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    return false;
                }
            }
        }
        return true;
    }

    private static string Token(SoakOptions options, string file) => File.ReadAllText(Path.Combine(options.Tokens, file)).Trim();
}
