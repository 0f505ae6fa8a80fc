using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ApproveDestroy;

/// <summary>
/// POST /api/secrets/approvals/{id}/approve: a second subject approves a pending destroy (docs/API.md#gated-destroy),
/// and the destroy runs. The approver's use of the approval's URI for <c>destroy_versions</c> goes through the access
/// pipeline (scope <c>secrets.destroy</c>, tenant, capability, PEP); then the approval is claimed — refused for the
/// requester (403), once expired or already approved (409) — and audited (<c>SECRET_DESTROY_APPROVED</c>); then the
/// provider destroys (<c>SECRET_DESTROYED</c>, with the approval id). A provider failure (5xx) puts the approval back
/// to pending. An unknown id is 404 <c>APPROVAL_NOT_FOUND</c>.
/// </summary>
internal sealed class ApproveDestroyEndpoint(ISecretOperations secrets, DestroyApprovals approvals, TokenRequirements token) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/api/secrets/approvals/{id}/approve");
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretDestroyApproved)));
        Summary(s => s.Summary = "Approve a pending destroy (a different subject than the requester); the destroy then runs");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var scope = HttpContext.Features.GetRequiredFeature<OperationScope>();
        token.Demand(scope.Caller, Purpose.DestroyVersions);   // a token that may not destroy learns nothing about approval ids
        var found = await approvals.FindAsync(Route<string>("id") ?? "", ct);
        var approval = found.Approval;
        StoredApproval? claimed = null;
        var request = new SecretRequest(new SecretTarget(approval.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy)
        {
            FragmentAllowed = false,
            ApprovalId = approval.Id,
            ApprovalStep = ApprovalStep.Approved,
        })
        {
            Approve = async c => claimed = await approvals.ClaimAsync(found, scope.Caller, c),
        };
        await secrets.RunOneAsync(scope, request, async (secret, c) =>
        {
            try
            {
                if (approval.Versions is { } versions)
                    await secret.DestroyAsync(versions, c);
                else
                    await secret.DestroyAllAsync(c);
            }
            catch (SecretsProblem problem) when (problem.Status >= StatusCodes.Status500InternalServerError && claimed is not null)
            {
                await approvals.ReleaseAsync(claimed, CancellationToken.None);   // nothing was destroyed: it can be approved again
                throw;
            }
            return true;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
