using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit;
using Secrets.Testing;
using YamlDotNet.RepresentationModel;

namespace Secrets.Host.Tests.Ops;

/// <summary>
/// The ops assets in docs/ops (Grafana dashboard, Prometheus alert rules, runbook) stay in step with the service:
/// every series their queries use is one a running host exports on <c>/metrics</c>, and every alert is complete
/// and points at a runbook section that exists.
/// </summary>
public sealed partial class OpsAssetsTests
{
    /// <summary>
    /// Series that appear only after an audit batch has been delivered to Kafka; this host runs without a broker
    /// (docs/ops/README.md). Exactly these are taken as exported without being scraped.
    /// </summary>
    private static readonly HashSet<string> KafkaOnly = new(StringComparer.Ordinal)
    {
        "secrets_audit_kafka_delivery_duration_ms_bucket",
    };

    private static bool TakenAsGiven(string name) => KafkaOnly.Contains(name);

    private static readonly HashSet<string> PromQlKeywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
    };

    [Fact]
    public async Task Every_series_the_dashboard_and_the_alerts_query_is_exported_by_the_host()
    {
        var used = AlertRules().Select(r => r.Expr).Concat(DashboardExpressions())
            .SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        used.ShouldNotBeEmpty();

        var exposed = await ScrapeHostAsync(used);

        used.Where(n => !exposed.Contains(n) && !TakenAsGiven(n)).Order(StringComparer.Ordinal)
            .ShouldBeEmpty($"exported: {string.Join(", ", exposed.Order(StringComparer.Ordinal))}");
        KafkaOnly.Where(n => !used.Contains(n)).ShouldBeEmpty("the Kafka allow-list names only series the assets use");
    }

    [Fact]
    public void Every_alert_has_a_duration_a_severity_a_summary_and_a_runbook_section()
    {
        var anchors = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "ops", "RUNBOOK.md"))
            .Where(l => l.StartsWith('#')).Select(Anchor).ToHashSet(StringComparer.Ordinal);
        var rules = AlertRules();

        rules.Count.ShouldBeGreaterThanOrEqualTo(7);
        rules.Select(r => r.Alert).ShouldBeUnique();
        foreach (var rule in rules)
        {
            rule.For.ShouldNotBeNull($"{rule.Alert}: for").ShouldMatch(@"^\d+[smh]$", $"{rule.Alert}: for");
            rule.Severity.ShouldNotBeNull($"{rule.Alert}: labels.severity").ShouldBeOneOf(["critical", "warning"], $"{rule.Alert}: labels.severity");
            rule.Summary.ShouldNotBeNullOrWhiteSpace($"{rule.Alert}: annotations.summary");
            rule.Description.ShouldNotBeNullOrWhiteSpace($"{rule.Alert}: annotations.description");
            var url = rule.RunbookUrl.ShouldNotBeNull($"{rule.Alert}: annotations.runbook_url");
            url.Split('#')[0].ShouldEndWith("docs/ops/RUNBOOK.md", Case.Sensitive, $"{rule.Alert}: runbook_url");
            anchors.ShouldContain(url.Split('#').Last(), $"{rule.Alert}: runbook_url {url} has no heading in RUNBOOK.md");
        }
    }

    [Fact]
    public void The_dashboard_takes_its_prometheus_datasource_from_a_variable()
    {
        var dashboard = Dashboard();

        dashboard["schemaVersion"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(36);
        var variables = dashboard["templating"]!["list"]!.AsArray();
        variables.ShouldContain(v => v!["name"]!.GetValue<string>() == "datasource" && v["type"]!.GetValue<string>() == "datasource"
            && v["query"]!.GetValue<string>() == "prometheus");
        var panels = dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row").ToList();
        panels.Count.ShouldBeGreaterThanOrEqualTo(10);
        foreach (var panel in panels)
            panel!["datasource"]!["uid"]!.GetValue<string>().ShouldBe("${datasource}", panel["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("histogram_quantile(0.95, sum by (le, provider, op) (rate(provider_request_latency_seconds_bucket{job=\"x\"}[5m])))", "provider_request_latency_seconds_bucket")]
    [InlineData("sum(rate(secrets_errors_total[5m])) / sum(rate(http_server_request_duration_seconds_count[$__rate_interval]))", "secrets_errors_total,http_server_request_duration_seconds_count")]
    [InlineData("max(secrets_audit_outbox_depth_bytes) > 1e9 and on() vector(1)", "secrets_audit_outbox_depth_bytes")]
    public void Metric_names_are_read_from_a_query(string expr, string expected) =>
        MetricNames(expr).ShouldBe(expected.Split(','), ignoreOrder: true);

    /// <summary>
    /// A host with the outbox on and no Kafka, scraped after two reads (a grant made, then used), a 404, a tenant violation, one outbox append
    /// and one torn outbox tail: returns the names of the series on <c>/metrics</c> once all of <paramref name="wanted"/>
    /// are there (the exporter answers from a cache for a moment), or after 5 s.
    /// </summary>
    private static async Task<HashSet<string>> ScrapeHostAsync(IReadOnlySet<string> wanted)
    {
        var outboxPath = Path.Combine(Path.GetTempPath(), "secrets-tests", "ops-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outboxPath);
        try
        {
            // a final record cut short by a crash: the outbox cuts it off when it opens, and counts it
            await File.WriteAllBytesAsync(Path.Combine(outboxPath, "00000000000000000000.seg"), [0x07, 0x00]);
            using var host = new SecretsHostFactory(new Dictionary<string, string?>
            {
                ["AUDIT_OUTBOX_PATH"] = outboxPath,
                ["ENABLE_AUTHORIZATION"] = "true",   // the PEP decides (and counts grant cache hits and misses), as in test and prod
                ["GRANT_MAX_USES_DEFAULT"] = "2",
            });
            var client = host.CreateClient();
            for (var i = 0; i < 2; i++)   // a fresh decision, then a use of its grant
                (await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY")).IsSuccessStatusCode.ShouldBeTrue();
            ((int)(await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fmissing")).StatusCode).ShouldBe(404);
            ((int)(await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Felsewhere%2Fx")).StatusCode).ShouldBe(400);

            var until = DateTime.UtcNow.AddSeconds(5);
            while (true)
            {
                var exposed = (await client.GetStringAsync("/metrics")).Split('\n')
                    .Where(l => l.Length > 0 && !l.StartsWith('#'))
                    .Select(l => SeriesName().Match(l).Value)
                    .ToHashSet(StringComparer.Ordinal);
                if (wanted.All(n => exposed.Contains(n) || TakenAsGiven(n)) || DateTime.UtcNow > until)
                    return exposed;
                await Task.Delay(100);
            }
        }
        finally
        {
            Directory.Delete(outboxPath, recursive: true);
        }
    }

    /// <summary>The metric names in a PromQL expression: identifiers outside label matchers, ranges, strings and grouping clauses, that are not functions or keywords.</summary>
    private static IEnumerable<string> MetricNames(string expr)
    {
        var stripped = NonMetricParts().Replace(expr, " ");
        return Identifier().Matches(stripped)
            .Where(m => !PromQlKeywords.Contains(m.Groups[1].Value) && !m.Groups[2].Value.EndsWith('('))
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal);
    }

    private static List<AlertRule> AlertRules()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, "docs", "ops", "prometheus-alerts.yaml")))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var rules = new List<AlertRule>();
        foreach (var group in ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                var labels = Child(rule, "labels");
                var annotations = Child(rule, "annotations");
                rules.Add(new AlertRule(
                    Scalar(rule, "alert") ?? throw new InvalidOperationException("only alerting rules are expected"),
                    Scalar(rule, "expr")!,
                    Scalar(rule, "for"),
                    labels is null ? null : Scalar(labels, "severity"),
                    annotations is null ? null : Scalar(annotations, "summary"),
                    annotations is null ? null : Scalar(annotations, "description"),
                    annotations is null ? null : Scalar(annotations, "runbook_url")));
            }
        }
        return rules;

        static YamlMappingNode? Child(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;
        static string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;
    }

    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "ops", "grafana-dashboard.json")))!.AsObject();

    private static IEnumerable<string> DashboardExpressions()
    {
        var found = new List<string>();
        Walk(Dashboard());
        return found;

        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if (key == "expr" && value is JsonValue)
                            found.Add(value.GetValue<string>());
                        else
                            Walk(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                        Walk(item);
                    break;
            }
        }
    }

    /// <summary>GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Anchor(string heading)
    {
        var text = heading.TrimStart('#').Trim().ToLowerInvariant();
        return new string(text.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').ToArray()).Replace(' ', '-');
    }

    private sealed record AlertRule(string Alert, string Expr, string? For, string? Severity, string? Summary, string? Description, string? RunbookUrl);

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|\{[^}]*\}|\[[^\]]*\]|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex NonMetricParts();

    [GeneratedRegex(@"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\(?)")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SeriesName();
}
