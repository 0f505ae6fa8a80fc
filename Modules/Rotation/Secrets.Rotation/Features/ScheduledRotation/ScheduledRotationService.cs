using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// Runs the enabled schedules (docs/API.md#scheduled-rotation) on the injected clock. Each schedule waits for its next
/// occurrence plus a random delay of up to its jitter, then every node that gets there tries the occurrence's lease and
/// the one that takes it rotates (<see cref="ScheduledRotationRunner"/>). At start the latest occurrence within the
/// schedule's catch-up window is still due (a rotation missed while no node ran), unless a node already leased it.
/// Occurrences missed while this node was busy collapse into the latest one; an occurrence past its deadline
/// (<see cref="RotationSchedule.RunDeadline"/>) is given up. No failure of one run stops the service.
/// </summary>
internal sealed partial class ScheduledRotationService(
    RotationSchedules schedules, ScheduledRotationRunner runner, TimeProvider time, ILogger<ScheduledRotationService> logger)
    : BackgroundService
{
    /// <summary>The longest single wait; the plan is looked at again after it (timers take at most about 49 days).</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    private readonly List<Due> plan = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // planned before the loop starts, so what is due is measured from the moment the host starts
        var now = time.GetUtcNow();
        foreach (var schedule in schedules.All.Where(s => s.Enabled))
            plan.Add(Plan(schedule, now - schedule.CatchUp, now));
        LogStarted(logger, plan.Count, schedules.All.Count);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            for (var i = 0; i < plan.Count; i++)
            {
                var due = plan[i];
                if (due.Occurrence is not { } occurrence || due.RunAt > now)
                    continue;
                if (now <= due.Schedule.RunDeadline(occurrence))
                    await RunAsync(due.Schedule, occurrence);
                else
                    LogGivenUp(logger, due.Schedule.Name, ScheduledRotationRunner.Iso(occurrence));
                plan[i] = Plan(due.Schedule, occurrence, time.GetUtcNow());
            }

            var next = plan.Where(d => d.Occurrence is not null).Select(d => d.RunAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var wait = next == DateTimeOffset.MaxValue ? LongestWait : next - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
                continue;
            try
            {
                await Task.Delay(wait < LongestWait ? wait : LongestWait, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One run, not cancelled by the host stopping: a rotation whose lease was taken finishes and is audited and
    /// recorded (the host's shutdown timeout bounds the wait; every provider call has its own timeout).
    /// </summary>
    private async Task RunAsync(RotationSchedule schedule, DateTimeOffset occurrence)
    {
        try
        {
            await runner.RunAsync(schedule, occurrence, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogRunFailed(logger, schedule.Name, e.GetType().Name);   // the type only: a message may quote input
        }
    }

    /// <summary>
    /// The next occurrence of <paramref name="schedule"/> after <paramref name="after"/>: the latest one already due by
    /// <paramref name="now"/> (missed ones collapse into it), else the first after <paramref name="now"/>; with its jitter drawn.
    /// </summary>
    private static Due Plan(RotationSchedule schedule, DateTimeOffset after, DateTimeOffset now)
    {
        var occurrence = schedule.LatestBetween(after, now) ?? schedule.NextAfter(now);
        var jitter = schedule.Jitter > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * schedule.Jitter.TotalMilliseconds) : TimeSpan.Zero;
        return new Due(schedule, occurrence, occurrence is { } o ? o + jitter : DateTimeOffset.MaxValue);
    }

    /// <summary>A schedule's next occurrence (null when its expression never fires again) and when this node runs it.</summary>
    private sealed record Due(RotationSchedule Schedule, DateTimeOffset? Occurrence, DateTimeOffset RunAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rotation: {Enabled} of {Configured} schedules enabled")]
    private static partial void LogStarted(ILogger logger, int enabled, int configured);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled rotation {Schedule} due {Occurrence} given up: past its catch-up window")]
    private static partial void LogGivenUp(ILogger logger, string schedule, string occurrence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled rotation {Schedule} could not run ({ExceptionType}); the next occurrence is planned")]
    private static partial void LogRunFailed(ILogger logger, string schedule, string exceptionType);
}
