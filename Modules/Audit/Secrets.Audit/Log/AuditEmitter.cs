using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Secrets.Audit.Integrity;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Log;

/// <summary>
/// Where every audit event of the node is made and sent, in one order: under one lock an event is chained
/// (<see cref="AuditCheckpoints"/>: its <c>seq</c>, <c>prev_hash</c> and, when due, the signed checkpoint
/// after it), kept in the ring buffer, and its append to the outbox started, so the outbox, Kafka, the
/// ring and the SSE stream all hold the chain in <c>seq</c> order. Sampling
/// (<c>AUDIT_SAMPLE_CACHE_HIT_N</c>, docs/AUDIT.md#sampling) leaves out all but every N-th successful
/// read answered from a cached grant; the next event written carries how many were left out in
/// <c>sampled_out</c>, so no use goes unaccounted and the chain has no gap.
/// </summary>
internal sealed class AuditEmitter : IDisposable
{
    private static readonly ConcurrentDictionary<AuditEmitter, byte> Live = new();

    private static readonly Counter<long> SampledOutTotal = Telemetry.Meter.CreateCounter<long>("secrets_audit_sampled_out_total",
        description: "Cache-hit reads left out of the audit stream by AUDIT_SAMPLE_CACHE_HIT_N (each counted in the next event's sampled_out)");

    private readonly Lock gate = new();
    private readonly AuditLog ring;
    private readonly AuditCheckpoints checkpoints;
    private readonly AuditDurability durability;
    private readonly int sampleCacheHitN;
    private long cacheHits;
    private long sampledOut;

    public AuditEmitter(AuditLog ring, AuditCheckpoints checkpoints, AuditDurability durability, int sampleCacheHitN)
    {
        this.ring = ring;
        this.checkpoints = checkpoints;
        this.durability = durability;
        this.sampleCacheHitN = sampleCacheHitN;
        Live.TryAdd(this, 0);
    }

    static AuditEmitter()
    {
        Telemetry.Meter.CreateObservableGauge("secrets_audit_checkpoint_lag_events", () => Live.Keys.Sum(e => e.checkpoints.LagEvents),
            description: "Audit events written since the node's last signed checkpoint");
        Telemetry.Meter.CreateObservableGauge("secrets_audit_checkpoint_lag_seconds", () => Live.Keys.Select(e => e.checkpoints.LagSeconds).DefaultIfEmpty().Max(),
            description: "Age in seconds of the oldest audit event no signed checkpoint covers yet; 0 when all are covered");
    }

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        checkpoints.Chain.Dispose();
    }

    public AuditCheckpoints Checkpoints => checkpoints;

    /// <summary>
    /// Writes one event unless sampling leaves it out (<paramref name="sampleable"/>: a successful cache-hit read).
    /// Returns whether it was written and, with an outbox, the start of its append (null without one).
    /// </summary>
    public bool Emit<TState>(AuditCloudEvent envelope, TState state, Action<Utf8JsonWriter, TState> writeData, bool sampleable,
        out ValueTask<long>? appended)
    {
        appended = null;
        lock (gate)
        {
            if (sampleable && sampleCacheHitN > 1 && cacheHits++ % sampleCacheHitN != 0)
            {
                sampledOut++;
                SampledOutTotal.Add(1);
                return false;
            }
            var carried = sampledOut;
            sampledOut = 0;
            var written = checkpoints.Append(envelope, (State: state, Write: writeData, Carried: carried), static (json, _, s) =>
            {
                s.Write(json, s.State);
                if (s.Carried > 0)
                    json.WriteNumber("sampled_out"u8, s.Carried);
            });
            if (Keep(written.Event, envelope.EventType, out var append))
                appended = append;
            if (written.Checkpoint is { } checkpoint && Keep(checkpoint, AuditCheckpoints.EventType, out var checkpointAppend))
                durability.Observe(checkpointAppend);
            return true;
        }
    }

    /// <summary>
    /// The checkpoint the timer and a stop write over the events not yet covered (none when all are covered or the key
    /// is unknown); completes when it is on disk, with an outbox.
    /// </summary>
    public ValueTask CheckpointPendingAsync()
    {
        ValueTask<long> append;
        lock (gate)
        {
            if (checkpoints.CheckpointPending() is not { } checkpoint || !Keep(checkpoint, AuditCheckpoints.EventType, out append))
                return ValueTask.CompletedTask;
        }
        return durability.CompleteQuietlyAsync(append);
    }

    /// <summary>Into the ring (and to the SSE subscribers); with an outbox, its append started.</summary>
    private bool Keep(ChainedEvent written, string eventType, out ValueTask<long> append)
    {
        ring.Store(written.Seq, written.Line, eventType);
        append = durability.Enabled ? durability.Append(written.Line) : default;
        return durability.Enabled;
    }
}
