namespace Secrets.Audit.Contracts;

/// <summary>
/// Asked by the access pipeline before it touches a provider (docs/AUDIT.md#durable-audit): with
/// <c>AUDIT_FAIL_CLOSED=true</c> and an audit outbox that cannot take events (full, unwritable, corrupt), the
/// operation is refused with 503 <c>AUDIT_UNAVAILABLE</c>, as an audit device that cannot log blocks a request.
/// </summary>
public interface IAuditGate
{
    /// <summary>Throws <c>SecretsProblem(AUDIT_UNAVAILABLE)</c> when an operation's event could not be made durable.</summary>
    void EnsureAccepting();
}
