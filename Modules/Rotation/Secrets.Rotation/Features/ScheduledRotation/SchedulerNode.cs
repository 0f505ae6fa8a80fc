using System.Security.Cryptography;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// This node, as a schedule's lease and last run name it: <c>AUDIT_NODE_ID</c> (default the machine name) and a suffix
/// drawn at start, so two processes on one machine are told apart.
/// </summary>
internal sealed record SchedulerNode(string Id)
{
    public static SchedulerNode From(string? configured) =>
        new((string.IsNullOrWhiteSpace(configured) ? Environment.MachineName : configured.Trim()) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
}
