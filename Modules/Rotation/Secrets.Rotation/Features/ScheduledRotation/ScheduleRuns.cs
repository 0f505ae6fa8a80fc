using System.Globalization;
using System.Text.Json;
using Secrets.Grants.Contracts;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// The schedules' records in the shared records (<see cref="ISharedRecords"/>: memory on one node, Redis with
/// <c>REDIS_URL</c>): one lease per occurrence, <c>rotation:schedule:{name}:{due time, Unix ms}</c>, that exactly one node
/// takes; and each schedule's last run, <c>rotation:schedule:{name}:last</c>, so every node shows the same. Failures of
/// the store are thrown whole (<c>GRANT_STATE_UNAVAILABLE</c>).
/// </summary>
internal sealed class ScheduleRuns(ISharedRecords records)
{
    /// <summary>How long a last run is kept when no later run replaces it.</summary>
    private static readonly TimeSpan LastRunLife = TimeSpan.FromDays(400);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Takes the lease of <paramref name="occurrence"/> for <paramref name="node"/>: true on the one node that runs it.</summary>
    public Task<bool> TryLeaseAsync(RotationSchedule schedule, DateTimeOffset occurrence, string node, CancellationToken ct) =>
        records.TryAddAsync(LeaseKey(schedule.Name, occurrence), node, schedule.LeaseExpiry(occurrence), ct);

    public Task RecordAsync(RotationSchedule schedule, ScheduleRun run, CancellationToken ct) =>
        records.SetAsync(LastRunKey(schedule.Name), JsonSerializer.Serialize(run, Json), run.At + LastRunLife, ct);

    public async Task<ScheduleRun?> LastAsync(RotationSchedule schedule, CancellationToken ct)
    {
        var text = await records.GetAsync(LastRunKey(schedule.Name), ct);
        return text is null ? null : JsonSerializer.Deserialize<ScheduleRun>(text, Json);
    }

    public static string LeaseKey(string name, DateTimeOffset occurrence) =>
        $"rotation:schedule:{name}:{occurrence.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";

    public static string LastRunKey(string name) => $"rotation:schedule:{name}:last";
}
