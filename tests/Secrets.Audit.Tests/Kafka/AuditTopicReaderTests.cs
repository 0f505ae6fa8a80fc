using System.Text;
using Secrets.Audit.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>How a topic's messages are put in chain order for the verifier (docs/AUDIT.md#verify-audit), without a cluster.</summary>
public sealed class AuditTopicReaderTests
{
    [Theory]
    [InlineData("""{"specversion":"1.0","type":"secrets.audit.SECRET_READ","data":{"node_id":"n1","seq":7,"prev_hash":"x"}}""", "n1", 7L)]
    [InlineData("""{"specversion":"1.0","data":{"node_id":"n1"}}""", "n1", null)]
    [InlineData("""{"node_id":"n1","seq":7,"prev_hash":"x"}""", null, null)]
    [InlineData("""{"data":"n1"}""", null, null)]
    [InlineData("""[1,2]""", null, null)]
    [InlineData("""not json""", null, null)]
    public void The_chain_position_is_read_inside_data(string json, string? node, long? seq) =>
        AuditTopicReader.PositionOf(Encoding.UTF8.GetBytes(json)).ShouldBe((node, seq));

    [Fact]
    public void A_nodes_messages_from_several_partitions_come_out_in_seq_order_and_each_partitions_order_is_kept()
    {
        var read = new Dictionary<int, List<TopicMessage>>
        {
            [0] = [Message(0, 0, "n1", 1), Message(0, 1, "n2", 1), Message(0, 2, "n1", 4), Message(0, 3, "n1", 3)],
            [1] = [Message(1, 0, "n1", 2), Message(1, 1, "n2", 2), Message(1, 2, "n1", 5)],
            [2] = [new TopicMessage(2, 0, "garbage"u8.ToArray()), Message(2, 1, "n1", 6)],
        };

        var export = AuditTopicReader.InChainOrder(read);

        export.Lines.Select(Describe).ShouldBe(["n1:1", "n1:2", "n1:4", "n1:3", "n1:5", "n1:6", "n2:1", "n2:2", "?"]);
        export.Duplicates.ShouldBe(0);
    }

    [Fact]
    public void An_exact_copy_is_skipped_and_a_different_message_at_the_same_seq_is_kept()
    {
        var read = new Dictionary<int, List<TopicMessage>>
        {
            [0] = [Message(0, 0, "n1", 1), Message(0, 1, "n1", 2), Message(0, 2, "n1", 2), Message(0, 3, "n1", 2, "forked")],
        };

        var export = AuditTopicReader.InChainOrder(read);

        export.Lines.Select(m => m.Offset).ShouldBe([0L, 1L, 3L]);
        export.Duplicates.ShouldBe(1);
    }

    [Fact]
    public void A_copy_redelivered_to_another_partition_behind_later_events_is_skipped_where_it_is()
    {
        var read = new Dictionary<int, List<TopicMessage>>
        {
            [0] = [Message(0, 0, "n1", 1), Message(0, 1, "n1", 3), Message(0, 2, "n1", 2)],   // seq 2 resent, behind seq 3
            [1] = [Message(1, 0, "n1", 2), Message(1, 1, "n1", 4)],
        };

        var export = AuditTopicReader.InChainOrder(read);

        export.Lines.Select(Describe).ShouldBe(["n1:1", "n1:2", "n1:3", "n1:4"]);
        export.Lines[1].Partition.ShouldBe(1);
        export.Duplicates.ShouldBe(1);
    }

    [Fact]
    public void Every_message_is_one_line_of_the_export()
    {
        var export = new AuditTopicExport([new TopicMessage(0, 0, "{\"a\":\n1}"u8.ToArray()), new TopicMessage(0, 1, [])], 0, 1);

        using var reader = new StreamReader(export.Open());

        reader.ReadToEnd().ShouldBe("{\"a\": 1}\n\n");
    }

    private static TopicMessage Message(int partition, long offset, string node, long seq, string extra = "") =>
        new(partition, offset, Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","data":{"node_id":"{{{node}}}","seq":{{{seq}}},"x":"{{{extra}}}"}}"""));

    private static string Describe(TopicMessage m) => AuditTopicReader.PositionOf(m.Value) is ({ } node, { } seq) ? $"{node}:{seq}" : "?";
}
