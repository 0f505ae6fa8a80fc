using Secrets.Audit.Contracts;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Settlement;

/// <summary>
/// Writes the records of outcomes: for the settlement of each request and for operations no request carried
/// (<see cref="IOperationAudit"/>). With the outbox on, a record is durable before the write completes.
/// </summary>
internal sealed class OperationAudit(IAuditTrail trail, AuditDurability durability) : IOperationAudit
{
    public async ValueTask RecordAsync(AuditedAs audited, OperationScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audited);
        ArgumentNullException.ThrowIfNull(scope);
        foreach (var outcome in scope.Outcomes)
            await WriteAsync(OutcomeRecords.For(audited, scope.Caller, outcome), ct);
    }

    public ValueTask WriteAsync(AuditRecord record, CancellationToken ct)
    {
        if (!durability.Enabled)
        {
            trail.Write(record);
            return ValueTask.CompletedTask;
        }
        return trail.WriteDurablyAsync(record, ct);
    }
}
