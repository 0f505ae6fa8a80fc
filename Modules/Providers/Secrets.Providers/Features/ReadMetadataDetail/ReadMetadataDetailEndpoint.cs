using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadMetadataDetail;

/// <summary>GET /api/secrets/metadata/detail?uri=: KVv2 versions and custom metadata of one path (501 for YAML).</summary>
internal sealed class ReadMetadataDetailEndpoint(SecretPipeline pipeline) : Endpoint<SecretPathRequest, MetadataDetailResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/metadata/detail");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "KVv2 metadata of one path: versions and custom metadata");
    }

    public override async Task HandleAsync(SecretPathRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.ReadMetadata, KvCapabilities.VersionMetadata | KvCapabilities.CustomMetadata) { FragmentAllowed = false };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var metadata = await secret.ReadMetadataAsync(c);
            return new MetadataDetailResponse(secret.Uri.ToString(), metadata.CurrentVersion, metadata.CreatedTime,
                metadata.UpdatedTime, metadata.CustomMetadata, VersionItem.From(metadata));
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
