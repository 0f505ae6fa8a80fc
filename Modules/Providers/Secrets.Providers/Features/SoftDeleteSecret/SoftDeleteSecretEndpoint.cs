using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Features.DestroyVersions;
using Secrets.Rotation.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SoftDeleteSecret;

/// <summary>
/// DELETE /api/secrets?uri=&amp;destroy=: soft-delete the latest version (or one key), or destroy every version — with
/// <c>DESTROY_REQUIRES_APPROVAL=true</c> a 202 with the approval the destroy waits for (docs/API.md#gated-destroy).
/// </summary>
internal sealed class SoftDeleteSecretEndpoint(SecretPipeline pipeline, IDestroyApprovals approvals) : Endpoint<SoftDeleteSecretRequest>
{
    public override void Configure()
    {
        Delete("/api/secrets");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretDeleted)));
        Summary(s => s.Summary = "Soft-delete a secret (or remove one key with a fragment); destroy=true destroys all versions");
    }

    public override async Task HandleAsync(SoftDeleteSecretRequest req, CancellationToken ct)
    {
        var target = req.Destroy
            ? new SecretTarget(req.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false }
            : new SecretTarget(req.Uri, Purpose.Delete, KvCapabilities.SoftDelete);
        if (req.Destroy && approvals.Required)
        {
            await Send.ResponseAsync(await GatedDestroy.RequestAsync(this, pipeline, approvals, target, null, ct), StatusCodes.Status202Accepted, ct);
            return;
        }
        await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            if (req.Destroy)
                await secret.DestroyAllAsync(c);
            else
                await secret.DeleteAsync(c);
            return true;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
