using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Features.RotateSecret;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// Runs one occurrence of a schedule on the node that takes its lease: a rotation to a generated value through the
/// access pipeline (scope, URI, tenant guard, capability, PEP, provider), as the service's own caller
/// <see cref="Subject"/>; then its audit record (<c>SECRET_ROTATED</c>, or the deny, with <c>schedule</c>) and the
/// schedule's last run. A node that cannot reach the shared records skips the occurrence: it never runs without the lease.
/// Nothing here ever logs or records a value.
/// </summary>
internal sealed partial class ScheduledRotationRunner(
    ISecretOperations secrets, IOperationAudit audit, ScheduleRuns runs, SchedulerNode node, TimeProvider time,
    ILogger<ScheduledRotationRunner> logger)
{
    /// <summary>The subject the scheduler's rotations are decided and audited for.</summary>
    public const string Subject = ServiceSubjects.RotationScheduler;

    private static readonly IReadOnlySet<string> Scopes = new HashSet<string>(StringComparer.Ordinal) { SecretScopes.Rotate };
    private static readonly Counter<long> Runs = Telemetry.Meter.CreateCounter<long>("secrets_rotation_scheduled_total",
        description: "Occurrences of rotation schedules this node handled, by schedule and outcome (success, deny, failure, skipped).");

    /// <summary>Runs <paramref name="occurrence"/> of <paramref name="schedule"/> when this node wins its lease; the outcome, or null when another node has it or it was skipped.</summary>
    public async Task<ScheduleRun?> RunAsync(RotationSchedule schedule, DateTimeOffset occurrence, CancellationToken ct)
    {
        try
        {
            if (!await runs.TryLeaseAsync(schedule, occurrence, node.Id, ct))
            {
                LogLeaseHeldElsewhere(logger, schedule.Name, Iso(occurrence));
                return null;
            }
        }
        catch (SecretsProblem problem)
        {
            LogLeaseUnavailable(logger, schedule.Name, Iso(occurrence), problem.Code.Value);
            Count(schedule, "skipped");
            return null;
        }

        var caller = new Caller(Subject, null, null, null, null, Guid.NewGuid().ToString("N")) { NodeId = node.Id, Scopes = Scopes };
        var scope = new OperationScope(caller);
        var target = RotateSecretEndpoint.Target(schedule.Uri.ToString(), generated: true) with { Schedule = schedule.Name };
        int? version = null;
        SecretsProblem? failed = null;
        try
        {
            version = await secrets.RunOneAsync(scope, new SecretRequest(target),
                (secret, c) => secret.ReplaceAsync(SecretGenerator.Generate(schedule.Generate), c), ct);
        }
        catch (SecretsProblem problem)
        {
            failed = problem;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // the pipeline reported it as INTERNAL_ERROR for the audit record; only its type is logged, never its message
            failed = new SecretsProblem(ErrorCode.InternalError);
            LogUnexpected(logger, schedule.Name, e.GetType().Name);
        }

        var run = new ScheduleRun(time.GetUtcNow(), occurrence, OutcomeOf(failed), failed?.Code.Value, version, node.Id);
        Count(schedule, run.Outcome);
        LogRan(logger, schedule.Name, Iso(occurrence), run.Outcome, run.ErrorCode, version, caller.CorrelationId);
        try
        {
            await audit.RecordAsync(new AuditedAs(AuditType.SecretRotated), scope, ct);
        }
        catch (SecretsProblem problem)
        {
            LogNotAudited(logger, schedule.Name, problem.Code.Value);
        }
        try
        {
            await runs.RecordAsync(schedule, run, ct);
        }
        catch (SecretsProblem problem)
        {
            LogLastRunNotRecorded(logger, schedule.Name, problem.Code.Value);
        }
        return run;
    }

    /// <summary>As the audit trail calls it: a 403 is a deny, any other problem a failure.</summary>
    private static string OutcomeOf(SecretsProblem? problem) => problem switch
    {
        null => ScheduleRun.Success,
        { Status: 403 } => ScheduleRun.Deny,
        _ => ScheduleRun.Failure,
    };

    /// <summary>A due time as logged: ISO 8601 in UTC, whatever the culture.</summary>
    internal static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static void Count(RotationSchedule schedule, string outcome) =>
        Runs.Add(1, new KeyValuePair<string, object?>("schedule", schedule.Name), new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled rotation {Schedule} due {Occurrence}: {Outcome} {ErrorCode} version {Version} (correlation id {CorrelationId})")]
    private static partial void LogRan(ILogger logger, string schedule, string occurrence, string outcome, string? errorCode, int? version, string correlationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduled rotation {Schedule} due {Occurrence}: another node holds the lease")]
    private static partial void LogLeaseHeldElsewhere(ILogger logger, string schedule, string occurrence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled rotation {Schedule} due {Occurrence} skipped on this node: its lease cannot be taken ({ErrorCode})")]
    private static partial void LogLeaseUnavailable(ILogger logger, string schedule, string occurrence, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled rotation {Schedule} failed unexpectedly ({ExceptionType})")]
    private static partial void LogUnexpected(ILogger logger, string schedule, string exceptionType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled rotation {Schedule}: its audit record could not be written ({ErrorCode})")]
    private static partial void LogNotAudited(ILogger logger, string schedule, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled rotation {Schedule}: its last run could not be recorded ({ErrorCode})")]
    private static partial void LogLastRunNotRecorded(ILogger logger, string schedule, string errorCode);
}
