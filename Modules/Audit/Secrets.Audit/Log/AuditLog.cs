using System.Threading.Channels;

namespace Secrets.Audit.Log;

/// <summary>The in-memory audit ring buffer and the live subscribers of the SSE stream.</summary>
internal sealed class AuditLog(AuditOptions options)
{
    private readonly AuditEvent[] ring = new AuditEvent[options.BufferSize];
    private readonly Lock gate = new();
    private readonly List<Channel<AuditEvent>> subscribers = [];
    private long next;

    public long NextId() => Interlocked.Increment(ref next);

    public void Append(AuditEvent e)
    {
        Channel<AuditEvent>[] live;
        lock (gate)
        {
            ring[(e.Id - 1) % ring.Length] = e;
            live = [.. subscribers];
        }
        foreach (var channel in live)
            channel.Writer.TryWrite(e);    // a slow subscriber drops its oldest events, never blocks auditing
    }

    /// <summary>Buffered events, newest first.</summary>
    public IReadOnlyList<AuditEvent> Snapshot()
    {
        lock (gate)
            return ring.Where(e => e is not null).OrderByDescending(e => e.Id).ToList();
    }

    public ChannelReader<AuditEvent> Subscribe(CancellationToken until)
    {
        var channel = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
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
