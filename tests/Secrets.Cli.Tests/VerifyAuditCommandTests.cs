using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Secrets.Testing;
using Secrets.Testing.Kafka;

namespace Secrets.Cli.Tests;

/// <summary>
/// <c>secrets verify-audit</c> against a host whose durable audit pipeline relays to a Kafka (librdkafka's mock cluster):
/// the topic verifies with the keys the tool fetched from the service; an export of it verifies, and the same export
/// with one event edited names the edit and exits 1; bad arguments exit 2.
/// </summary>
public sealed class VerifyAuditCommandTests : IDisposable
{
    private const string App = "openbao+kv2://secret/cli-verify/app";
    private const string Canary = "canary-verify-5d0";

    private readonly MockKafkaCluster cluster = new();
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-cli-verify", Guid.NewGuid().ToString("N"));
    private readonly string prefix = "v" + Guid.NewGuid().ToString("N")[..8];
    private readonly SecretsHostFactory host;

    public VerifyAuditCommandTests()
    {
        Directory.CreateDirectory(dir);
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
            ["AUDIT_OUTBOX_PATH"] = Path.Combine(dir, "outbox"),
            ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers,
            ["KAFKA_TOPIC_PREFIX"] = prefix,
            ["AUDIT_CHECKPOINT_EVERY"] = "4",
        });
    }

    public void Dispose()
    {
        host.Dispose();
        cluster.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private string Topic => prefix + ".secrets.audit";

    /// <summary>Every message of the audit topic, in partition and offset order, once <paramref name="atLeast"/> are there.</summary>
    private List<string> ReadTopic(int atLeast)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topic);
        var lines = new List<string>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (lines.Count < atLeast && DateTime.UtcNow < until)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
                lines.Add(Encoding.UTF8.GetString(message.Value));
        }
        consumer.Close();
        return lines;
    }

    [Fact]
    public async Task The_topic_and_an_export_verify_with_the_services_keys_and_an_edited_event_exits_1()
    {
        for (var i = 0; i < 5; i++)
            (await CliRun.RunAsync(host, "", "put", App, $"token={Canary}-{i}")).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync(host, "", "get", App + "#token")).Out.ShouldBe($"{Canary}-4\n");
        // six operations and one checkpoint after the fourth event
        var lines = ReadTopic(7);
        lines.Count.ShouldBeGreaterThanOrEqualTo(7);

        var topic = await CliRun.RunAsync(host, "", "verify-audit", "--kafka", cluster.BootstrapServers, "--topic", Topic);

        topic.ExitCode.ShouldBe(0, topic.Out + topic.Error);
        topic.Out.ShouldContain($"kafka:{Topic}: ok: ");
        topic.Out.ShouldContain("1 nodes");

        // an export in chain order (one node: seq order), checked by file
        var ordered = lines.OrderBy(l => JsonNode.Parse(l)!["data"]!["seq"]!.GetValue<long>()).ToList();
        var export = Path.Combine(dir, "export.jsonl");
        await File.WriteAllLinesAsync(export, ordered);
        var intact = await CliRun.RunAsync(host, "", "verify-audit", export);
        var edited = Path.Combine(dir, "edited.jsonl");
        await File.WriteAllLinesAsync(edited, ordered.Select((l, i) => i == 2 ? l.Replace("\"success\"", "\"deny\"", StringComparison.Ordinal) : l));
        ordered[2].ShouldContain("\"success\"");
        var tampered = await CliRun.RunAsync(host, "", "verify-audit", edited);

        intact.ExitCode.ShouldBe(0, intact.Out + intact.Error);
        intact.Out.ShouldContain($"{export}: ok: {ordered.Count} events, {ordered.Count(l => l.Contains("AUDIT_CHECKPOINT", StringComparison.Ordinal))} checkpoints, 1 nodes");
        tampered.ExitCode.ShouldBe(ExitCodes.Failed);
        tampered.Out.ShouldContain($"{edited}: edited ");
        tampered.Out.ShouldContain("seq=3");
        (topic.Out + topic.Error + intact.Out + tampered.Out + tampered.Error).ShouldNotContain(Canary);
    }

    [Fact]
    public async Task Without_an_export_or_a_topic_it_exits_2_with_the_usage()
    {
        var keys = Path.Combine(dir, "keys.json");
        await File.WriteAllTextAsync(keys, """{"keys":[]}""");

        var run = await CliRun.RunAsync(host, "", "verify-audit", "--keys", keys);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain("verify-audit: name at least one export or --kafka");
    }
}
