using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Audit.Outbox;

/// <summary>
/// The audit outbox in <c>/health/ready</c> (docs/AUDIT.md#outbox): <c>Degraded</c> from 80 % of
/// <c>AUDIT_OUTBOX_MAX_BYTES</c> waiting for the relay, <c>Unhealthy</c> when full, unwritable or corrupt. An outbox
/// that cannot be opened is unhealthy too.
/// </summary>
internal sealed class AuditOutboxHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        AuditOutbox outbox;
        try
        {
            outbox = (AuditOutbox)services.GetService(typeof(AuditOutbox))!;
        }
        catch (AuditOutboxException ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"the audit outbox cannot be opened ({ex.Failure})"));
        }
        return Task.FromResult(outbox.Health switch
        {
            AuditOutboxHealth.Healthy => HealthCheckResult.Healthy(),
            AuditOutboxHealth.Degraded => HealthCheckResult.Degraded($"the audit outbox holds {outbox.DepthBytes} bytes the relay has not acknowledged"),
            _ => HealthCheckResult.Unhealthy("the audit outbox is full, unwritable or corrupt"),
        });
    }
}
