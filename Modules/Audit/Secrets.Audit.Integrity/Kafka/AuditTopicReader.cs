using System.Security.Cryptography;
using System.Text.Json;
using Confluent.Kafka;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Reads an audit topic as one export for <c>verify-audit --kafka</c> (docs/AUDIT.md#verify-audit): every partition
/// from its first offset to its end as it was when the read began (the high watermarks taken at the start), with a
/// group id of its own that it never joins or commits, so it moves nobody's offsets.
/// <para>
/// Events are keyed by <c>resource_ref</c>, so one node's events are spread over the partitions, and Kafka orders
/// messages only within a partition. The lines are therefore put in chain order: a node's messages keep their order
/// within each partition, and the partitions are merged by <c>seq</c> (the head with the smallest <c>seq</c> first).
/// An untouched stream comes out in <c>seq</c> order; a message deleted, edited or moved within its partition still
/// shows as a gap, a broken hash or a reorder. A copy of a message the merge already took (same <c>node_id</c>,
/// <c>seq</c> and bytes: a redelivery) is skipped and counted; a different message with the same <c>node_id</c> and <c>seq</c> is
/// kept, and the verifier reports it. Messages without a <c>node_id</c> and <c>seq</c> come last. The topic is held
/// in memory while it is verified.
/// </para>
/// </summary>
internal sealed class AuditTopicReader(KafkaSettings settings, string topic)
{
    /// <summary>How long to wait for the cluster's metadata and watermarks, and for the next message before giving up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The topic as lines in chain order, and where each line came from.</summary>
    public AuditTopicExport Read(CancellationToken ct)
    {
        string? lastError = null;
        using var consumer = new ConsumerBuilder<Ignore, byte[]?>(settings.ConsumerConfig("verify-audit-" + Guid.NewGuid().ToString("N")))
            .SetLogHandler((_, _) => { })                        // the client's own lines would only repeat its errors
            .SetErrorHandler((_, error) => lastError = error.Reason)
            .Build();

        var ends = new Dictionary<int, long>();
        var start = new List<TopicPartitionOffset>();
        foreach (var partition in Partitions(consumer))
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout);
            if (marks.High.Value > marks.Low.Value)
            {
                ends[partition] = marks.High.Value;
                start.Add(new TopicPartitionOffset(topic, partition, marks.Low));
            }
        }

        var read = ends.Keys.ToDictionary(p => p, _ => new List<TopicMessage>());
        var open = new HashSet<int>(ends.Keys);
        if (open.Count > 0)
            consumer.Assign(start);
        var lastProgress = DateTime.UtcNow;
        while (open.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                if (DateTime.UtcNow - lastProgress > Timeout)
                    throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                        $"no message for {Timeout.TotalSeconds:0} s before the end of the topic" + (lastError is null ? "" : $" (last client error: {lastError})")));
                continue;
            }
            lastProgress = DateTime.UtcNow;
            var p = result.Partition.Value;
            if (!open.Contains(p))
                continue;
            if (!result.IsPartitionEOF && result.Offset.Value < ends[p])
                read[p].Add(new TopicMessage(p, result.Offset.Value, result.Message.Value ?? []));
            // the end as taken at the start, or what the broker lets a read-committed reader see of it
            if (result.IsPartitionEOF || result.Offset.Value >= ends[p] - 1)
                open.Remove(p);
        }
        consumer.Unassign();
        consumer.Close();
        return InChainOrder(read);
    }

    /// <summary>The topic's partitions; the topic must exist.</summary>
    private int[] Partitions(IConsumer<Ignore, byte[]?> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError)
            throw new KafkaException(metadata?.Error ?? new Error(ErrorCode.UnknownTopicOrPart));
        return [.. metadata.Partitions.Select(p => p.PartitionId).Order()];
    }

    /// <summary>
    /// Each node's messages merged from the partitions by <c>seq</c>, each partition's own order kept; a copy of a
    /// message the merge already took is skipped; messages without a chain position last.
    /// </summary>
    internal static AuditTopicExport InChainOrder(IReadOnlyDictionary<int, List<TopicMessage>> read)
    {
        var nodes = new Dictionary<string, SortedDictionary<int, Queue<Placed>>>(StringComparer.Ordinal);
        var unplaced = new List<TopicMessage>();
        foreach (var partition in read.Keys.Order())
        {
            foreach (var message in read[partition])
            {
                if (PositionOf(message.Value) is not ({ } node, { } seq))
                {
                    unplaced.Add(message);
                    continue;
                }
                if (!nodes.TryGetValue(node, out var partitions))
                    nodes[node] = partitions = [];
                if (!partitions.TryGetValue(partition, out var queue))
                    partitions[partition] = queue = new();
                queue.Enqueue(new Placed(seq, SHA256.HashData(message.Value), message));
            }
        }

        var lines = new List<TopicMessage>();
        var duplicates = 0;
        foreach (var partitions in nodes.Values)
        {
            var taken = new Dictionary<long, List<byte[]>>();
            while (true)
            {
                Queue<Placed>? next = null;
                foreach (var queue in partitions.Values)
                {
                    if (queue.Count > 0 && (next is null || queue.Peek().Seq < next.Peek().Seq))
                        next = queue;
                }
                if (next is null)
                    break;
                var placed = next.Dequeue();
                // a redelivered copy sits later in its partition (or in another one, for an unkeyed checkpoint): the
                // merge reaches it after the first copy, which is where the chain needs it
                if (!taken.TryGetValue(placed.Seq, out var copies))
                    taken[placed.Seq] = copies = [];
                if (copies.Any(c => c.AsSpan().SequenceEqual(placed.Digest)))
                {
                    duplicates++;
                    continue;
                }
                copies.Add(placed.Digest);
                lines.Add(placed.Message);
            }
        }
        lines.AddRange(unplaced);
        return new AuditTopicExport(lines, duplicates, read.Count);
    }

    private sealed record Placed(long Seq, byte[] Digest, TopicMessage Message);

    /// <summary>
    /// The chain position of one event (docs/audit-events.md): <c>node_id</c> and <c>seq</c> inside the CloudEvent's
    /// <c>data</c>; nulls when the message is not an event that holds both.
    /// </summary>
    internal static (string? Node, long? Seq) PositionOf(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                ? Position(data)
                : default;
        }
        catch (JsonException)
        {
            return default;
        }

        static (string? Node, long? Seq) Position(JsonElement e) =>
            (e.TryGetProperty("node_id", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null,
             e.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var n) ? n : null);
    }
}

/// <summary>One message of the topic: where it was, and its value (empty for a message without one).</summary>
internal sealed record TopicMessage(int Partition, long Offset, byte[] Value);

/// <summary>
/// An audit topic read for verification: its messages in chain order (the n-th is line n of the export), the copies
/// skipped as redeliveries, and how many partitions held messages.
/// </summary>
internal sealed record AuditTopicExport(IReadOnlyList<TopicMessage> Lines, int Duplicates, int Partitions)
{
    /// <summary>The lines as the verifier reads them: one message a line, a line break inside a value read as a space.</summary>
    public Stream Open()
    {
        var buffer = new MemoryStream();
        foreach (var line in Lines)
        {
            foreach (var b in line.Value)
                buffer.WriteByte(b is (byte)'\n' or (byte)'\r' ? (byte)' ' : b);
            buffer.WriteByte((byte)'\n');
        }
        buffer.Position = 0;
        return buffer;
    }
}
