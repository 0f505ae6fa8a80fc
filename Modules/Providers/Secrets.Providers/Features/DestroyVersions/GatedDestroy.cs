using FastEndpoints;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.DestroyVersions;

/// <summary>
/// A destroy asked for while <c>DESTROY_REQUIRES_APPROVAL=true</c> (docs/API.md#gated-destroy): the requester's use runs
/// through the access pipeline as any destroy does (scope, URI, tenant, capability, PEP for <c>destroy_versions</c>), but
/// its work records a pending approval instead of destroying, audited as <c>SECRET_DESTROY_REQUESTED</c>; the answer
/// is 202 <c>{approval_id, expires_at}</c>.
/// </summary>
internal static class GatedDestroy
{
    /// <summary>Requests the destroy of <paramref name="versions"/> (null: all) of the target's secret: the body of the 202.</summary>
    public static async Task<DestroyApprovalResponse> RequestAsync(BaseEndpoint endpoint, SecretPipeline pipeline, IDestroyApprovals approvals, SecretTarget target,
        IReadOnlyList<int>? versions, CancellationToken ct)
    {
        var id = approvals.NewApprovalId();
        var requester = endpoint.HttpContext.Features.GetRequiredFeature<OperationScope>().Caller;
        var pending = await pipeline.RunAsync(endpoint, target with { ApprovalId = id, ApprovalStep = ApprovalStep.Requested },
            (secret, c) => approvals.RequestAsync(id, secret.Uri, versions, requester, c), ct);
        return new DestroyApprovalResponse(pending.ApprovalId, pending.ExpiresAt);
    }
}
