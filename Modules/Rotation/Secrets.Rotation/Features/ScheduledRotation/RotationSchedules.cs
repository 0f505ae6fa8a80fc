namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>The schedules of <c>ROTATION_SCHEDULES_PATH</c>, validated at start; none when it is not set.</summary>
internal sealed class RotationSchedules(IReadOnlyList<RotationSchedule> all)
{
    public static RotationSchedules None { get; } = new([]);

    public IReadOnlyList<RotationSchedule> All { get; } = all;
}
