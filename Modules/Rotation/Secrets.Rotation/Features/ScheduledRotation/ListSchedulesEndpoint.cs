using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// GET /api/secrets/rotation/schedules: the configured schedules with their next and last run. The caller sees the
/// schedules whose URI it may use for <c>read_metadata</c>: one batch decision through the access pipeline, a target
/// per schedule; a refused one is left out, as in a filtered listing. Each schedule shown is audited as a metadata read.
/// </summary>
internal sealed class ListSchedulesEndpoint(
    RotationSchedules schedules, ScheduleRuns runs, ISecretOperations secrets, TokenRequirements token, TimeProvider time)
    : EndpointWithoutRequest<ListSchedulesResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/rotation/schedules");
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "List the rotation schedules with their next and last run");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var scope = HttpContext.Features.GetRequiredFeature<OperationScope>();
        token.DemandScope(scope.Caller, SecretScopes.ReadMetadata);   // a token without the scope is refused, not shown an empty list
        var operations = schedules.All
            .Select(s => new SecretOperation<RotationSchedule>(
                new SecretTarget(s.Uri.ToString(), Purpose.ReadMetadata, KvCapabilities.None), (_, _) => Task.FromResult(s)))
            .ToList();
        IReadOnlyList<SecretOperationResult<RotationSchedule>> decided = operations.Count == 0 ? [] : await secrets.RunEachAsync(scope, operations, continueOnError: true, ct);
        var now = time.GetUtcNow();
        var views = new List<ScheduleView>(decided.Count);
        foreach (var schedule in decided.Where(r => r.Problem is null).Select(r => r.Value!))
        {
            views.Add(new ScheduleView(schedule.Name, schedule.Uri.ToString(), schedule.Cron, schedule.TimeZoneId,
                (int)schedule.Jitter.TotalSeconds, schedule.Enabled, schedule.Enabled ? schedule.NextAfter(now) : null,
                await runs.LastAsync(schedule, ct)));
        }
        await Send.OkAsync(new ListSchedulesResponse(views), ct);
    }
}
