using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Outbox;

/// <summary>
/// The outbox's instruments on the shared meter (docs/AUDIT.md#metrics): the un-acknowledged bytes of every open
/// outbox, each group commit's fsync time, and each torn tail cut off at open.
/// </summary>
internal static class AuditOutboxMetrics
{
    private static readonly ConcurrentDictionary<AuditOutbox, byte> Open = new();

    public static readonly Histogram<double> FsyncDuration =
        Telemetry.Meter.CreateHistogram<double>("secrets_audit_outbox_fsync_duration_ms", description: "Time of one group commit's fsync, in milliseconds");

    public static readonly Counter<long> Truncated =
        Telemetry.Meter.CreateCounter<long>("secrets_audit_outbox_truncated_total", description: "Torn records cut off the end of the outbox at open");

    static AuditOutboxMetrics() =>
        Telemetry.Meter.CreateObservableGauge("secrets_audit_outbox_depth_bytes",
            () => Open.Keys.Sum(o => o.DepthBytes), description: "Bytes appended to the audit outbox and not yet acknowledged by the relay");

    public static void Track(AuditOutbox outbox) => Open.TryAdd(outbox, 0);

    public static void Untrack(AuditOutbox outbox) => Open.TryRemove(outbox, out _);
}
