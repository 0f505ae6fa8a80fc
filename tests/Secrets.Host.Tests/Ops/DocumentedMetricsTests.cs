using System.Text.RegularExpressions;
using Secrets.Testing;
using Secrets.Testing.Audit;
using Secrets.Testing.Kafka;

namespace Secrets.Host.Tests.Ops;

/// <summary>
/// Every metric the docs name is one a running host serves on <c>/metrics</c>, with the labels the docs give it: the
/// names are read from the metrics table of docs/AUDIT.md and from docs/ops/README.md, so the docs and the code
/// cannot drift apart. The host runs the whole audit pipeline (outbox and Kafka relay to librdkafka's mock cluster),
/// so even the Kafka delivery histogram is scraped, not taken as given.
/// </summary>
public sealed partial class DocumentedMetricsTests
{
    [Fact]
    public void The_metrics_table_of_the_audit_reference_is_read()
    {
        var documented = AuditReferenceMetrics();

        documented.Count.ShouldBeGreaterThanOrEqualTo(10);
        documented["secrets_decisions_total"].ShouldBe(["effect"]);
        documented["provider_request_latency_seconds"].ShouldBe(["provider", "op"]);
        documented["secrets_grant_cache_hits_total"].ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_documented_metric_is_on_metrics_with_its_documented_labels_after_some_traffic()
    {
        var documented = AuditReferenceMetrics();
        foreach (var name in OpsReadmeMetrics())
            documented.TryAdd(name, []);

        var samples = await ScrapeAfterTrafficAsync(documented.Keys);

        var missing = documented.Keys.Where(name => !samples.Any(s => Serves(s.Series, name))).Order(StringComparer.Ordinal).ToList();
        missing.ShouldBeEmpty($"documented but not on /metrics; served: {string.Join(", ", samples.Select(s => s.Series).Distinct().Order(StringComparer.Ordinal))}");
        foreach (var (name, labels) in documented)
        {
            foreach (var label in labels)
                samples.ShouldContain(s => Serves(s.Series, name) && s.Labels.Contains(label), $"{name} has no label {label} on /metrics");
        }
    }

    /// <summary>
    /// A host with the outbox (opened over a torn tail), Kafka, authorization and sampling on, after a write, three
    /// reads (a decision, then its grant twice, the second cache hit sampled out), a 404, a tenant violation and its events' delivery to Kafka: every sample on
    /// <c>/metrics</c> once all of <paramref name="wanted"/> are there (the exporter answers from a cache for a moment), or after 10 s.
    /// </summary>
    private static async Task<List<(string Series, HashSet<string> Labels)>> ScrapeAfterTrafficAsync(IEnumerable<string> wanted)
    {
        using var cluster = new MockKafkaCluster();
        var outboxPath = Path.Combine(Path.GetTempPath(), "secrets-tests", "metrics-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outboxPath);
        try
        {
            // a final record cut short by a crash: the outbox cuts it off when it opens, and counts it
            await File.WriteAllBytesAsync(Path.Combine(outboxPath, "00000000000000000000.seg"), [0x07, 0x00]);
            using var host = new SecretsHostFactory(new Dictionary<string, string?>
            {
                ["AUDIT_OUTBOX_PATH"] = outboxPath,
                ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers,
                ["KAFKA_TOPIC_PREFIX"] = "m" + Guid.NewGuid().ToString("N")[..8],
                ["ENABLE_AUTHORIZATION"] = "true",
                ["GRANT_MAX_USES_DEFAULT"] = "3",
                ["AUDIT_SAMPLE_CACHE_HIT_N"] = "2",   // the third read, a grant's second cache hit, is sampled out
            });
            var client = host.CreateClient();
            (await client.PostAsync("/api/secrets", new StringContent("""{"uri":"yaml://secret/metrics#k","value":"v"}""", System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode.ShouldBeTrue();
            for (var i = 0; i < 3; i++)
                (await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY")).IsSuccessStatusCode.ShouldBeTrue();
            ((int)(await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fmissing")).StatusCode).ShouldBe(404);
            ((int)(await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Felsewhere%2Fx")).StatusCode).ShouldBe(400);
            var until = DateTime.UtcNow.AddSeconds(30);
            while (OutboxFiles.Acknowledged(outboxPath) < OutboxFiles.Payloads(outboxPath).Count - 1)
            {
                DateTime.UtcNow.ShouldBeLessThan(until, "the events reach Kafka");
                await Task.Delay(20);
            }

            until = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                var samples = (await client.GetStringAsync("/metrics")).Split('\n')
                    .Where(l => l.Length > 0 && !l.StartsWith('#'))
                    .Select(l => Sample().Match(l))
                    .Where(m => m.Success)
                    .Select(m => (Series: m.Groups["name"].Value, Labels: LabelName().Matches(m.Groups["labels"].Value).Select(l => l.Groups[1].Value).ToHashSet(StringComparer.Ordinal)))
                    .ToList();
                if (wanted.All(n => samples.Any(s => Serves(s.Series, n))) || DateTime.UtcNow > until)
                    return samples;
                await Task.Delay(100);
            }
        }
        finally
        {
            Directory.Delete(outboxPath, recursive: true);
        }
    }

    /// <summary>Whether <paramref name="series"/> serves the metric <paramref name="name"/>: it is that series, or one of a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.</summary>
    private static bool Serves(string series, string name) => series == name || HistogramSeries().Replace(series, "") == name;

    /// <summary>The rows of the metrics table in docs/AUDIT.md#metrics: each metric and the names of its documented labels.</summary>
    private static Dictionary<string, List<string>> AuditReferenceMetrics()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "AUDIT.md"));
        var section = lines.SkipWhile(l => l.Trim() != "## Metrics").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        var metrics = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var row in section.Select(l => TableRow().Match(l)).Where(m => m.Success))
        {
            var cell = row.Groups["labels"].Value;
            var labels = cell.Contains('=', StringComparison.Ordinal)
                ? LabelBeforeEquals().Matches(cell).Select(m => m.Groups[1].Value)
                : Backticked().Matches(cell).Select(m => m.Groups[1].Value);
            metrics[row.Groups["name"].Value] = [.. labels];
        }
        return metrics;
    }

    /// <summary>The metric names docs/ops/README.md quotes.</summary>
    private static IEnumerable<string> OpsReadmeMetrics() =>
        OpsMetricName().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "ops", "README.md"))).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);


    [GeneratedRegex(@"^\|\s*`(?<name>[a-z_:][a-z0-9_:]*)`\s*\|\s*(?<labels>[^|]*)\|")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"`([a-z_][a-z0-9_]*)`\s*=")]
    private static partial Regex LabelBeforeEquals();

    [GeneratedRegex(@"`([a-z_][a-z0-9_]*)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+_(?:total|seconds|ms|bytes|count|bucket))`")]
    private static partial Regex OpsMetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})?\s")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)=")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}
