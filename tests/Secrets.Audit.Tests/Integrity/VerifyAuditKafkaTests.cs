using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Secrets.Audit.Integrity;
using Secrets.Testing.Kafka;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>
/// <c>verify-audit --kafka</c> against librdkafka's mock cluster: two nodes' chained streams produced as the relay does
/// (keyed by <c>resource_ref</c>, so each node's events spread over the partitions; checkpoints unkeyed), read back from
/// every partition and verified in chain order; a deleted, edited, reordered or cut message is named with its partition and offset.
/// </summary>
public sealed class VerifyAuditKafkaTests : IDisposable
{
    private static readonly string[] Refs = ["ref-a", "ref-b", "ref-c", "ref-d", "ref-e", "ref-f"];

    private readonly MockKafkaCluster cluster = new();
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-verify-kafka", Guid.NewGuid().ToString("N"));
    private readonly AuditStream a = new AuditStream("node-a.0001").Events(12).Pending();
    private readonly AuditStream b = new AuditStream("node-b.0002").Events(9).Pending();
    private readonly string keys;
    private readonly string topic = "audit" + Guid.NewGuid().ToString("N")[..8];

    public VerifyAuditKafkaTests()
    {
        Directory.CreateDirectory(dir);
        keys = Path.Combine(dir, "keys.json");
        File.WriteAllText(keys, $$"""
            {"keys":[{"kty":"OKP","crv":"Ed25519","x":"{{a.Key.X}}"},{"kty":"OKP","crv":"Ed25519","x":"{{b.Key.X}}"}]}
            """);
    }

    public void Dispose()
    {
        a.Dispose();
        b.Dispose();
        cluster.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Each line in turn, acknowledged before the next: events keyed by a resource_ref that changes with seq, checkpoints unkeyed.</summary>
    private async Task<IReadOnlyList<int>> ProduceAsync(IEnumerable<(string Line, string? Key)> lines)
    {
        using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, EnableIdempotence = true,
        }).Build();
        var partitions = new List<int>();
        foreach (var (line, key) in lines)
            partitions.Add((await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(line) })).Partition.Value);
        return partitions;
    }

    private static IEnumerable<(string Line, string? Key)> Keyed(IEnumerable<string> lines) =>
        lines.Select(l => (l, IsCheckpoint(l) ? null : Refs[AuditStream.Seq(l) % Refs.Length]));

    private static bool IsCheckpoint(string line) => JsonNode.Parse(line)!["data"]!["event_type"]!.GetValue<string>() == AuditCheckpoints.EventType;

    /// <summary>Both nodes' lines interleaved, as two nodes writing to one topic at once.</summary>
    private IEnumerable<(string Line, string? Key)> Both(IEnumerable<(string Line, string? Key)>? nodeA = null) =>
        Interleave((nodeA ?? Keyed(a.Lines)).ToList(), Keyed(b.Lines).ToList());

    private static IEnumerable<T> Interleave<T>(List<T> first, List<T> second)
    {
        for (var i = 0; i < Math.Max(first.Count, second.Count); i++)
        {
            if (i < first.Count)
                yield return first[i];
            if (i < second.Count)
                yield return second[i];
        }
    }

    private async Task<(int Code, string Out, string Err)> VerifyAsync(params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VerifyAuditCommand.RunAsync(["--kafka", cluster.BootstrapServers, "--topic", topic, "--keys", keys, .. more],
            _ => null, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_untouched_topic_over_several_partitions_exits_0()
    {
        var partitions = await ProduceAsync(Both());

        var (code, output, error) = await VerifyAsync();

        partitions.Distinct().Count().ShouldBeGreaterThan(1, "the nodes' events are spread over partitions");
        error.ShouldBeEmpty();
        code.ShouldBe(0, output);
        output.Trim().ShouldBe($"kafka:{topic}: ok: 26 events, 5 checkpoints, 2 nodes");
    }

    [Fact]
    public async Task A_deleted_event_exits_1_naming_the_gap()
    {
        var lines = Keyed(a.Lines).ToList();
        lines.RemoveAt(a.IndexOfSeq(8));
        await ProduceAsync(Both(lines));

        var (code, output, _) = await VerifyAsync();

        code.ShouldBe(1);
        output.Trim().ShouldStartWith($"kafka:{topic}: gap node=node-a.0001 ");
        output.ShouldContain("seq 8 is missing before seq 9: 1 event deleted (partition ");
        output.ShouldNotContain("node-b");
    }

    [Fact]
    public async Task An_edited_event_exits_1_naming_it_and_where_it_is()
    {
        var lines = Keyed(a.Lines).ToList();
        var i = a.IndexOfSeq(3);
        lines[i] = (AuditStream.Edit(lines[i].Line, "correlation_id", "c-forged"), lines[i].Key);
        var partitions = await ProduceAsync(lines);

        var (code, output, _) = await VerifyAsync();

        code.ShouldBe(1);
        output.Trim().ShouldStartWith($"kafka:{topic}: edited node=node-a.0001 ");
        output.ShouldContain("seq=3: seq 3 does not hash to the prev_hash of seq 4");
        output.ShouldContain($"(partition {partitions[i]}, offset ");
    }

    [Fact]
    public async Task Two_events_swapped_within_one_partition_are_a_reorder()
    {
        var lines = Keyed(a.Lines).ToList();
        var (three, four) = (a.IndexOfSeq(3), a.IndexOfSeq(4));
        (lines[three], lines[four]) = ((lines[four].Line, "ref-x"), (lines[three].Line, "ref-x"));
        await ProduceAsync(lines);

        var (code, output, _) = await VerifyAsync();

        code.ShouldBe(1);
        output.ShouldContain("reorder node=node-a.0001");
    }

    [Fact]
    public async Task A_tail_cut_before_its_checkpoint_exits_1()
    {
        await ProduceAsync(Keyed(a.Lines.SkipLast(1)));

        var (code, output, _) = await VerifyAsync("--at", AuditStream.Start.AddHours(1).ToString("O"));

        code.ShouldBe(1);
        output.ShouldContain("truncated-tail node=node-a.0001");
    }

    [Fact]
    public async Task Redelivered_copies_are_skipped_and_counted()
    {
        var lines = Keyed(a.Lines).ToList();
        await ProduceAsync([.. lines, .. lines.Skip(5).Take(4)]);   // the relay resent four messages after a restart

        var (code, output, _) = await VerifyAsync();

        code.ShouldBe(0, output);
        output.ShouldContain($"kafka:{topic}: note 4 redelivered copies skipped");
        output.ShouldContain($"kafka:{topic}: ok: 15 events, 3 checkpoints, 1 nodes");
    }

    [Fact]
    public async Task A_second_message_with_the_same_seq_but_other_bytes_is_reported()
    {
        var lines = Keyed(a.Lines).ToList();
        var i = a.IndexOfSeq(5);
        await ProduceAsync([.. lines, (AuditStream.Edit(lines[i].Line, "correlation_id", "c-other"), lines[i].Key)]);

        var (code, output, _) = await VerifyAsync();

        code.ShouldBe(1);
        output.ShouldContain("node=node-a.0001");
    }

    [Fact]
    public async Task A_topic_that_does_not_exist_exits_2()
    {
        var (code, output, error) = await VerifyAsync();

        code.ShouldBe(2);
        output.ShouldBeEmpty();
        error.ShouldContain($"verify-audit: cannot read kafka:{topic}");
    }
}
