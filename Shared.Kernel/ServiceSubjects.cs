namespace Secrets.Shared.Kernel;

/// <summary>
/// Subjects the service itself acts as (docs/AUTHENTICATION.md#reserved-subjects). A policy rule that names one permits
/// the service's own work; an access token that claims one is refused, so no caller can borrow those rules.
/// </summary>
public static class ServiceSubjects
{
    /// <summary>The scheduler's rotations (docs/API.md#scheduled-rotation).</summary>
    public const string RotationScheduler = "rotation-scheduler";

    public static bool IsReserved(string subject) => string.Equals(subject, RotationScheduler, StringComparison.Ordinal);
}
