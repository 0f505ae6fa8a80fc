using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Features.UndeleteVersions;
using Secrets.Rotation.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.DestroyVersions;

/// <summary>
/// POST /api/secrets/destroy-versions {uri, versions}: irreversibly destroys the given versions (KVv2); with
/// <c>DESTROY_REQUIRES_APPROVAL=true</c> it answers 202 with the approval the destroy waits for (docs/API.md#gated-destroy).
/// </summary>
internal sealed class DestroyVersionsEndpoint(SecretPipeline pipeline, IDestroyApprovals approvals) : Endpoint<VersionsRequest>
{
    public override void Configure()
    {
        Post("/api/secrets/destroy-versions");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretDestroyed)));
        Summary(s => s.Summary = "Destroy the given versions of a KVv2 path (irreversible)");
    }

    public override async Task HandleAsync(VersionsRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false };
        if (approvals.Required)
        {
            await Send.ResponseAsync(await GatedDestroy.RequestAsync(this, pipeline, approvals, target, req.Versions, ct), StatusCodes.Status202Accepted, ct);
            return;
        }
        await pipeline.RunAsync(this, target,
            async (secret, c) =>
            {
                await secret.DestroyAsync(req.Versions!, c);
                return true;
            }, ct);
        await Send.NoContentAsync(ct);
    }
}
