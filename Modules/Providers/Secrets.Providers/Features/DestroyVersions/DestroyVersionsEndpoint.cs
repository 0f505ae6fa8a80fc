using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Features.UndeleteVersions;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.DestroyVersions;

/// <summary>POST /api/secrets/destroy-versions {uri, versions}: irreversibly destroys the given versions (KVv2).</summary>
internal sealed class DestroyVersionsEndpoint(SecretPipeline pipeline) : Endpoint<VersionsRequest>
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
        await pipeline.RunAsync(this, new SecretTarget(req.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false },
            async (secret, c) =>
            {
                await secret.DestroyAsync(req.Versions!, c);
                return true;
            }, ct);
        await Send.NoContentAsync(ct);
    }
}
