using Secrets.Shared.Kernel;

namespace Secrets.Audit.Contracts;

/// <summary>
/// Audits operations that no HTTP request carried — a scheduled rotation, a destroy approval that expired —
/// exactly as the settlement of a request does: one record per outcome of the <see cref="OperationScope"/>, its type
/// chosen by <paramref name="audited"/> and the outcome's purpose, durable before it returns when the audit outbox is on.
/// </summary>
public interface IOperationAudit
{
    /// <summary>Writes one record per outcome the scope holds; with <c>AUDIT_FAIL_CLOSED=true</c> an event that cannot be made durable throws <c>SecretsProblem(AUDIT_UNAVAILABLE)</c>.</summary>
    ValueTask RecordAsync(AuditedAs audited, OperationScope scope, CancellationToken ct);
}
