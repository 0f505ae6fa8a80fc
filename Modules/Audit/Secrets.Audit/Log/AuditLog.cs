using System.Threading.Channels;

namespace Secrets.Audit.Log;

/// <summary>The in-memory audit ring buffer and the live subscribers of the SSE stream.</summary>
internal sealed class AuditLog(AuditOptions options)
{
    private readonly AuditEvent[] ring = new AuditEvent[options.BufferSize];
    private readonly Lock gate = new();
    private readonly List<Channel<AuditEvent>> subscribers = [];
    private long next;

    /// <summary>Numbers and stores one event under the lock, so ids and ring order always agree.</summary>
    public AuditEvent Append(Func<long, AuditEvent> create)
    {
        AuditEvent e;
        Channel<AuditEvent>[] live;
        lock (gate)
        {
            e = create(++next);
            ring[(e.Id - 1) % ring.Length] = e;
            live = [.. subscribers];
        }
        foreach (var channel in live)
            channel.Writer.TryWrite(e);    // a slow subscriber drops its oldest events, never blocks auditing
        return e;
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
