using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Secrets.Audit.Integrity;

/// <summary>
/// Signed checkpoints over one node's chain (docs/AUDIT.md#checkpoints). A checkpoint is itself an event
/// of the chain, of type <c>AUDIT_CHECKPOINT</c>, covering every event since the previous checkpoint
/// (<c>first_seq</c>..<c>last_seq</c>, its own <c>seq</c> − 1) and signing the chain head with Ed25519.
/// Two rules place them: <see cref="Append{TState}"/> writes one right after the
/// <c>AUDIT_CHECKPOINT_EVERY</c>-th event since the previous, under the same lock, so no export holds
/// that many uncovered events; and <see cref="CheckpointPending"/>, called every
/// <c>AUDIT_CHECKPOINT_SECONDS</c> and when the node stops, writes one whenever events are uncovered.
/// While the signing key cannot be read (<paramref name="key"/> answers null) no checkpoint is written:
/// the events stay uncovered, and <see cref="LagEvents"/> and <see cref="LagSeconds"/> show it.
/// </summary>
internal sealed class AuditCheckpoints(AuditChain chain, Func<AuditSigningKey?> key, string tenant, int every, int seconds, TimeProvider time)
{
    public const string EventType = CheckpointStatement.EventType;

    private readonly Lock gate = new();
    private long lastCheckpointSeq;
    private long firstUncoveredTicks;   // UTC ticks of the oldest event no checkpoint covers; 0 when all are covered

    public AuditCheckpoints(AuditChain chain, AuditSigningKey key, string tenant, int every, int seconds, TimeProvider time)
        : this(chain, () => key, tenant, every, seconds, time)
    {
    }

    public AuditChain Chain => chain;

    public int Every => every;

    public int Seconds => seconds;

    /// <summary>Events written since the last checkpoint.</summary>
    public long LagEvents => chain.LastSeq - Volatile.Read(ref lastCheckpointSeq);

    /// <summary>How long the oldest event no checkpoint covers has waited, in seconds; 0 when every event is covered.</summary>
    public double LagSeconds => Volatile.Read(ref firstUncoveredTicks) is var ticks and > 0
        ? Math.Max(0, (time.GetUtcNow().UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond)
        : 0;

    /// <summary>Appends one event and, when it is the N-th since the last checkpoint, the checkpoint after it.</summary>
    public CheckpointAppend Append<TState>(AuditCloudEvent envelope, TState state, Action<Utf8JsonWriter, ChainLink, TState> writeData)
    {
        lock (gate)
        {
            var appended = chain.Append(envelope, state, writeData);
            if (firstUncoveredTicks == 0)
                Volatile.Write(ref firstUncoveredTicks, time.GetUtcNow().UtcTicks);
            var checkpoint = appended.Seq - lastCheckpointSeq >= every ? WriteCheckpoint() : null;
            return new CheckpointAppend(appended, checkpoint);
        }
    }

    /// <summary>A checkpoint over the events not yet covered, or null when there are none or no key (the timer and shutdown call this).</summary>
    public ChainedEvent? CheckpointPending()
    {
        lock (gate)
            return chain.LastSeq > lastCheckpointSeq ? WriteCheckpoint() : null;
    }

    private ChainedEvent? WriteCheckpoint()
    {
        if (key() is not { } signer)
            return null;
        var firstSeq = lastCheckpointSeq + 1;
        var now = time.GetUtcNow();
        var text = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var written = chain.Append(new AuditCloudEvent(EventType, now, null), (Owner: this, Key: signer, FirstSeq: firstSeq, Time: text),
            static (json, link, s) => s.Owner.WriteMembers(json, link, s.Key, s.FirstSeq, s.Time));
        Volatile.Write(ref lastCheckpointSeq, written.Seq);
        Volatile.Write(ref firstUncoveredTicks, 0);
        return written;
    }

    private void WriteMembers(Utf8JsonWriter json, ChainLink link, AuditSigningKey signer, long firstSeq, string now)
    {
        var statement = new CheckpointStatement(link.NodeId, tenant, firstSeq, link.Seq - 1, link.PrevHash, now, every, seconds, signer.Kid);
        json.WriteString("event_type", EventType);
        json.WriteString("time", statement.Time);
        json.WriteString("tenant", statement.Tenant);
        json.WriteNumber("first_seq", statement.FirstSeq);
        json.WriteNumber("last_seq", statement.LastSeq);
        json.WriteString("head_hash", statement.HeadHash);
        json.WriteNumber("every", statement.Every);
        json.WriteNumber("seconds", statement.Seconds);
        json.WriteString("kid", statement.Kid);
        json.WriteString("sig", Base64Url.EncodeToString(signer.Sign(statement.SignedBytes())));
    }
}
