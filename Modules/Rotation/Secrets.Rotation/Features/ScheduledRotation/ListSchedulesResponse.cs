using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>The schedules the caller may see, in the order of the schedule file.</summary>
internal sealed record ListSchedulesResponse([property: JsonPropertyName("schedules")] IReadOnlyList<ScheduleView> Schedules);

/// <summary>
/// One schedule: what it rotates and when, its next due time (null when disabled or never again) and its last run on any
/// node (null before the first).
/// </summary>
internal sealed record ScheduleView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("cron")] string Cron,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("jitter_s")] int JitterSeconds,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("next_run")] DateTimeOffset? NextRun,
    [property: JsonPropertyName("last_run")] ScheduleRun? LastRun);
