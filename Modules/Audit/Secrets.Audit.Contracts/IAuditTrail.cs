namespace Secrets.Audit.Contracts;

/// <summary>
/// Where audit records go: the ring buffer and SSE stream (dev helpers) and the application log as
/// <c>AUDIT_LOG</c> says. Operations on secrets are audited by the Audit module itself, from the
/// outcomes the access pipeline reports; this door is for refusals that happen before any operation
/// (a replayed DPoP proof).
/// </summary>
public interface IAuditTrail
{
    void Write(AuditRecord record);
}
