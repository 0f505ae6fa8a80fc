using Secrets.Rotation.Contracts;

namespace Secrets.Rotation.Features.BulkOperations;

/// <summary>What one operation that ran came to: the KV version it wrote, or the approval a gated destroy waits for.</summary>
internal sealed record BulkDone(int? Version, PendingDestroyApproval? Approval = null)
{
    public static readonly BulkDone Nothing = new((int?)null);
}
