using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ApproveDestroy;

/// <summary>
/// On the injected clock, every <see cref="DestroyApprovalOptions.SweepInterval"/>: the approvals this node requested that
/// expired while pending are marked expired and audited once (docs/API.md#gated-destroy). A sweep that fails (shared
/// records unreachable, audit unavailable) is logged and tried again on the next tick.
/// </summary>
internal sealed partial class DestroyApprovalSweeper(DestroyApprovals approvals, DestroyApprovalOptions options, TimeProvider time,
    ILogger<DestroyApprovalSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await approvals.SweepAsync(stoppingToken);
            }
            catch (SecretsProblem problem)
            {
                LogSweepFailed(log, problem.Code.Value);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(log, ex.GetType().Name);   // a bug must not stop the host; the message may name a key, so it is left out
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "destroy approval sweep failed ({Reason}); trying again on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
