using System.Reflection;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate, bulk, copy and move (later rollback, schedules, backup and restore),
/// composed of the operations of the Providers module's access pipeline (<c>ISecretOperations</c>). It
/// registers nothing of its own: its endpoints are all it has.
/// </summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;
}
