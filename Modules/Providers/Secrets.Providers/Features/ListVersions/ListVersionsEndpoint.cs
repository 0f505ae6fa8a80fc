using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Features.ReadMetadataDetail;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListVersions;

/// <summary>GET /api/secrets/versions?uri=: the KVv2 version list (created, deleted, destroyed); 501 for YAML.</summary>
internal sealed class ListVersionsEndpoint(SecretPipeline pipeline) : Endpoint<SecretPathRequest, ListVersionsResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/versions");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "KVv2 version list of one path");
    }

    public override async Task HandleAsync(SecretPathRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.ReadMetadata, KvCapabilities.VersionMetadata) { FragmentAllowed = false };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var metadata = await secret.ReadMetadataAsync(c);
            return new ListVersionsResponse(secret.Uri.ToString(), metadata.CurrentVersion, VersionItem.From(metadata));
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
