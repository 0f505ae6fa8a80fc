namespace Secrets.Audit.Contracts;

/// <summary>
/// Where audit records go: the ring buffer and SSE stream (dev helpers) and the application log as
/// <c>AUDIT_LOG</c> says. Operations on secrets are audited by the Audit module itself, from the
/// outcomes the access pipeline reports; this door is for refusals that happen before any operation
/// (a replayed DPoP proof).
/// </summary>
public interface IAuditTrail
{
    /// <summary>Writes the record; with an outbox, its durable append is started and not waited for.</summary>
    void Write(AuditRecord record);

    /// <summary>
    /// Writes the record and, with an audit outbox (docs/AUDIT.md#durable-audit), completes once its event is on disk.
    /// An event that cannot be made durable throws <c>SecretsProblem(AUDIT_UNAVAILABLE)</c> with <c>AUDIT_FAIL_CLOSED=true</c>.
    /// </summary>
    ValueTask WriteDurablyAsync(AuditRecord record, CancellationToken ct)
    {
        Write(record);
        return ValueTask.CompletedTask;
    }
}
