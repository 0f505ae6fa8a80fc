using Secrets.Audit.Contracts;

namespace Secrets.Benchmarks;

/// <summary>Stands in for the Audit module (authentication's replay records; the benchmark has none).</summary>
internal sealed class DiscardAuditRecords : IAuditTrail
{
    public void Write(AuditRecord record)
    {
    }
}
