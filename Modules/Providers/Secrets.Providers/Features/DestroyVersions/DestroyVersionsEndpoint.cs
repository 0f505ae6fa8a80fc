using FastEndpoints;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Features.UndeleteVersions;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.DestroyVersions;

/// <summary>POST /api/secrets/destroy-versions {uri, versions}: irreversibly destroys the given versions (KVv2).</summary>
internal sealed class DestroyVersionsEndpoint(SecretAccess access) : Endpoint<VersionsRequest>
{
    public override void Configure()
    {
        Post("/api/secrets/destroy-versions");
        Summary(s => s.Summary = "Destroy the given versions of a KVv2 path (irreversible)");
    }

    public override async Task HandleAsync(VersionsRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.DestroyVersions, AuditType.SecretDestroyed,
            KvCapabilities.Destroy, fragmentAllowed: false);
        await op.Store.DestroyAsync(KvPath.Of(op.Uri), req.Versions!, ct);
        await access.SucceededAsync(op);
        await Send.NoContentAsync(ct);
    }
}
