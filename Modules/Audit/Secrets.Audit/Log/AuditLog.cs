using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace Secrets.Audit.Log;

/// <summary>
/// The in-memory audit ring buffer and the live subscribers of the SSE stream. Each event is kept as its
/// JSON, written once into a slot of one buffer allocated at start: a full ring under load keeps no
/// objects alive for the garbage collector to promote and trace (docs/BENCHMARKS.md). Only an event
/// longer than a slot (two long raw URIs in dev) gets an array of its own.
/// </summary>
internal sealed class AuditLog : IDisposable
{
    /// <summary>Bytes per slot: an event is about 600 bytes of JSON, with a raw URI in dev.</summary>
    public const int SlotBytes = 1024;

    private readonly byte[] arena;
    private readonly int[] lengths;
    private readonly byte[]?[] oversized;
    private readonly ArrayBufferWriter<byte> scratch = new(SlotBytes * 2);
    private readonly Utf8JsonWriter writer;
    private readonly Lock gate = new();
    private readonly List<Channel<AuditFrame>> subscribers = [];
    private long next;

    public AuditLog(AuditOptions options)
    {
        arena = new byte[checked(options.BufferSize * SlotBytes)];
        lengths = new int[options.BufferSize];
        oversized = new byte[]?[options.BufferSize];
        writer = new Utf8JsonWriter(scratch);
    }

    public void Dispose() => writer.Dispose();

    /// <summary>
    /// Numbers one event and stores its JSON under the lock, so ids and ring order always agree;
    /// <paramref name="write"/> writes the event object for the id it is given.
    /// </summary>
    public long Append<TState>(TState state, string eventType, Action<Utf8JsonWriter, long, TState> write) =>
        Append(state, eventType, write, null, out _);

    /// <summary>
    /// <see cref="Append{TState}(TState, string, Action{Utf8JsonWriter, long, TState})"/>, and hands a copy of the event's
    /// JSON to <paramref name="durable"/> under the same lock, so the outbox holds events in the order of their ids.
    /// </summary>
    public long Append<TState>(TState state, string eventType, Action<Utf8JsonWriter, long, TState> write,
        Func<byte[], ValueTask<long>>? durable, out ValueTask<long> appended)
    {
        appended = default;
        Channel<AuditFrame>[]? live = null;
        AuditFrame? frame = null;
        long id;
        lock (gate)
        {
            id = ++next;
            scratch.ResetWrittenCount();
            writer.Reset(scratch);
            write(writer, id, state);
            writer.Flush();
            var json = scratch.WrittenSpan;
            var slot = (int)((id - 1) % lengths.Length);
            if (json.Length <= SlotBytes)
            {
                json.CopyTo(arena.AsSpan(slot * SlotBytes, SlotBytes));
                oversized[slot] = null;
            }
            else
            {
                oversized[slot] = json.ToArray();
            }
            lengths[slot] = json.Length;
            if (durable is not null)
                appended = durable(json.ToArray());
            if (subscribers.Count > 0)
            {
                live = [.. subscribers];
                frame = new AuditFrame(id, eventType, json.ToArray());
            }
        }
        foreach (var channel in live ?? [])
            channel.Writer.TryWrite(frame!);    // a slow subscriber drops its oldest events, never blocks auditing
        return id;
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
        return copies.Select(json => JsonSerializer.Deserialize<AuditEvent>(json)!).ToList();
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
