using System.Text.Json;
using System.Threading.Channels;

namespace Secrets.Audit.Log;

/// <summary>
/// The in-memory audit ring buffer and the live subscribers of the SSE stream. Each event is kept as its
/// line (the CloudEvent of docs/audit-events.md), copied once into a slot of one buffer allocated at
/// start: a full ring under load keeps no objects alive for the garbage collector to promote and trace
/// (docs/BENCHMARKS.md). Only an event longer than a slot (two long raw URIs in dev) keeps its own array.
/// </summary>
internal sealed class AuditLog
{
    /// <summary>Bytes per slot: an event is about 900 bytes of JSON, with a raw URI in dev.</summary>
    public const int SlotBytes = 1536;

    private readonly byte[] arena;
    private readonly int[] lengths;
    private readonly byte[]?[] oversized;
    private readonly Lock gate = new();
    private readonly List<Channel<AuditFrame>> subscribers = [];
    private long next;

    public AuditLog(AuditOptions options)
    {
        arena = new byte[checked(options.BufferSize * SlotBytes)];
        lengths = new int[options.BufferSize];
        oversized = new byte[]?[options.BufferSize];
    }

    /// <summary>
    /// Keeps one event's line (a CloudEvent, docs/audit-events.md) and hands it to the live subscribers. The
    /// caller stores lines in the order of their <c>seq</c>, which is the SSE id of the event.
    /// </summary>
    public void Store(long seq, byte[] line, string eventType)
    {
        Channel<AuditFrame>[]? live = null;
        lock (gate)
        {
            var id = ++next;
            var slot = (int)((id - 1) % lengths.Length);
            if (line.Length <= SlotBytes)
            {
                line.CopyTo(arena.AsSpan(slot * SlotBytes, SlotBytes));
                oversized[slot] = null;
            }
            else
            {
                oversized[slot] = line;
            }
            lengths[slot] = line.Length;
            if (subscribers.Count > 0)
                live = [.. subscribers];
        }
        if (live is not null)
        {
            var frame = new AuditFrame(seq, eventType, line);
            foreach (var channel in live)
                channel.Writer.TryWrite(frame);    // a slow subscriber drops its oldest events, never blocks auditing
        }
    }

    /// <summary>Buffered events, newest first.</summary>
    public IReadOnlyList<AuditEvent> Snapshot()
    {
        var copies = new List<byte[]>();
        lock (gate)
        {
            var count = (int)Math.Min(next, lengths.Length);
            for (var k = 0; k < count; k++)
            {
                var slot = (int)((next - 1 - k) % lengths.Length);
                copies.Add(oversized[slot] ?? arena.AsSpan(slot * SlotBytes, lengths[slot]).ToArray());
            }
        }
        return copies.Select(json => JsonSerializer.Deserialize<AuditCloudEventLine>(json)!.Data).ToList();
    }

    public ChannelReader<AuditFrame> Subscribe(CancellationToken until)
    {
        var channel = Channel.CreateBounded<AuditFrame>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (gate)
            subscribers.Add(channel);
        until.Register(() =>
        {
            lock (gate)
                subscribers.Remove(channel);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
