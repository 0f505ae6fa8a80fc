namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// The schedule file cannot be used; the host does not start. The message names the file, the schedule (its name and
/// 1-based position) and the field, e.g. <c>schedules.json: schedule 'db-password' (#2): cron: …</c>.
/// </summary>
internal sealed class ScheduleLoadException(string message) : Exception(message);
