using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Contracts;

/// <summary>
/// Gated destroy (docs/API.md#gated-destroy), as the destroy endpoints see it: whether a destroy needs a second
/// subject's approval (<c>DESTROY_REQUIRES_APPROVAL</c>), and the pending approval that stands in for the destroy when
/// it does. The caller runs the request through the access pipeline (the requester's scope, tenant, capability and
/// PEP decision for <c>destroy_versions</c>) and records the approval as the work, instead of destroying.
/// </summary>
public interface IDestroyApprovals
{
    /// <summary><c>DESTROY_REQUIRES_APPROVAL</c>: true when a destroy waits for an approval.</summary>
    bool Required { get; }

    /// <summary>A new approval id (random, URL-safe), to name on the request's target before it runs.</summary>
    string NewApprovalId();

    /// <summary>
    /// Records the pending approval <paramref name="approvalId"/> of destroying <paramref name="versions"/> of
    /// <paramref name="uri"/> (null: every version and the metadata), asked for by <paramref name="requester"/>; it
    /// can be approved until <c>APPROVAL_TTL_S</c> from now.
    /// </summary>
    Task<PendingDestroyApproval> RequestAsync(string approvalId, CanonicalSecretUri uri, IReadOnlyList<int>? versions, Caller requester, CancellationToken ct);
}

/// <summary>A destroy waiting for its approval: the id to approve it with and when it stops being approvable.</summary>
public sealed record PendingDestroyApproval(string ApprovalId, DateTimeOffset ExpiresAt);
