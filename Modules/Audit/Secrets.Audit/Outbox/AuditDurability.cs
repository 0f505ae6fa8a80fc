using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Outbox;

/// <summary>
/// Durable audit (docs/AUDIT.md#durable-audit): with <c>AUDIT_OUTBOX_PATH</c>, every event is appended to the outbox,
/// and a request's events are on disk before it is answered. <c>AUDIT_FAIL_CLOSED</c> (default on in prod) refuses an
/// operation with 503 <c>AUDIT_UNAVAILABLE</c> before any provider is called when the outbox cannot take events, and
/// fails a request whose event could not be appended; off, the event stays in the ring buffer and the log, and the
/// loss is logged as an error. Without an outbox this does nothing.
/// </summary>
internal sealed partial class AuditDurability(IServiceProvider services, bool enabled, bool failClosed, ILogger<AuditDurability> log) : IAuditGate
{
    public bool Enabled => enabled;

    public void EnsureAccepting()
    {
        if (!enabled || !failClosed)
            return;
        AuditOutboxHealth health;
        try
        {
            health = services.GetRequiredService<AuditOutbox>().Health;
        }
        catch (AuditOutboxException)
        {
            health = AuditOutboxHealth.Unhealthy;
        }
        if (health == AuditOutboxHealth.Unhealthy)
            throw new SecretsProblem(ErrorCode.AuditUnavailable, TimeSpan.FromSeconds(1));
    }

    /// <summary>Starts the append of one event (the bytes are the event's own copy); completes when it is on disk.</summary>
    public ValueTask<long> Append(byte[] payload)
    {
        try
        {
            return services.GetRequiredService<AuditOutbox>().AppendAsync(payload, CancellationToken.None);
        }
        catch (AuditOutboxException ex)
        {
            return ValueTask.FromException<long>(ex);
        }
    }

    /// <summary>Waits for an append; a failure is the request's (fail closed) or logged as a lost event.</summary>
    public async ValueTask CompleteAsync(ValueTask<long> append)
    {
        try
        {
            await append;
        }
        catch (AuditOutboxException ex)
        {
            if (failClosed)
                throw new SecretsProblem(ErrorCode.AuditUnavailable, TimeSpan.FromSeconds(1));
            LogNotDurable(log, ex.Failure.ToString());
        }
    }

    /// <summary>Waits for an append of the node's own (a checkpoint); a failure is logged, never thrown.</summary>
    public async ValueTask CompleteQuietlyAsync(ValueTask<long> append)
    {
        try
        {
            await append;
        }
        catch (AuditOutboxException ex)
        {
            LogNotDurable(log, ex.Failure.ToString());
        }
    }

    /// <summary>For an append nobody waits for: a failure is logged.</summary>
    public void Observe(ValueTask<long> append)
    {
        if (!append.IsCompletedSuccessfully)
            _ = ObserveAsync(append.AsTask());
    }

    private async Task ObserveAsync(Task<long> append)
    {
        try
        {
            await append;
        }
        catch (AuditOutboxException ex)
        {
            LogNotDurable(log, ex.Failure.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit event could not be made durable ({Failure}); it is in the ring buffer and the log only")]
    private static partial void LogNotDurable(ILogger logger, string failure);
}
