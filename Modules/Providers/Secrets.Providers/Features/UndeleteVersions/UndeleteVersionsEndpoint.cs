using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.UndeleteVersions;

/// <summary>POST /api/secrets/undelete {uri, versions}: restores exactly the given soft-deleted versions (KVv2).</summary>
internal sealed class UndeleteVersionsEndpoint(SecretPipeline pipeline) : Endpoint<VersionsRequest>
{
    public override void Configure()
    {
        Post("/api/secrets/undelete");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretUndeleted)));
        Summary(s => s.Summary = "Undelete the given versions of a KVv2 path");
    }

    public override async Task HandleAsync(VersionsRequest req, CancellationToken ct)
    {
        await pipeline.RunAsync(this, new SecretTarget(req.Uri, Purpose.Undelete, KvCapabilities.Undelete) { FragmentAllowed = false },
            async (secret, c) =>
            {
                await secret.UndeleteAsync(req.Versions!, c);
                return true;
            }, ct);
        await Send.NoContentAsync(ct);
    }
}
