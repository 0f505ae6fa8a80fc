using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Log;

namespace Secrets.Audit.Integrity;

/// <summary>
/// Writes the time-based checkpoints (docs/AUDIT.md#checkpoints): every <c>AUDIT_CHECKPOINT_SECONDS</c> one
/// over the events not yet covered, and a last one when the node stops. With <c>AUDIT_SIGNING_KEY_POINTER</c>
/// it reads the key at start and, while that fails, again at every tick; until then no checkpoint is
/// written and <c>secrets_audit_checkpoint_lag_seconds</c> grows.
/// </summary>
internal sealed partial class AuditCheckpointTimer(AuditEmitter emitter, AuditSigningKeys keys, TimeProvider time,
    ILogger<AuditCheckpointTimer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LoadKeyAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(emitter.Checkpoints.Seconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await LoadKeyAsync(stoppingToken);
                await emitter.CheckpointPendingAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping: StopAsync writes the last checkpoint
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await emitter.CheckpointPendingAsync();
    }

    private async Task LoadKeyAsync(CancellationToken ct)
    {
        if (keys.Current is not null)
            return;
        try
        {
            await keys.CurrentAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogKeyUnavailable(log, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The audit signing key (AUDIT_SIGNING_KEY_POINTER) could not be read ({Error}); no checkpoint is signed until it can")]
    private static partial void LogKeyUnavailable(ILogger logger, string error);
}
