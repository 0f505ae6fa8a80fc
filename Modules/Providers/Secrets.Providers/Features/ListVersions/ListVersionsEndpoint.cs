using FastEndpoints;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Features.ReadMetadataDetail;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListVersions;

internal sealed record ListVersionsResponse(string Uri, int? CurrentVersion, IReadOnlyList<VersionItem> Versions);

/// <summary>GET /api/secrets/versions?uri=: the KVv2 version list (created, deleted, destroyed); 501 for YAML.</summary>
internal sealed class ListVersionsEndpoint(SecretAccess access) : Endpoint<SecretPathRequest, ListVersionsResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/versions");
        Summary(s => s.Summary = "KVv2 version list of one path");
    }

    public override async Task HandleAsync(SecretPathRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.ReadMetadata, AuditType.SecretMetadataRead,
            KvCapabilities.VersionMetadata, fragmentAllowed: false);
        var metadata = await op.Store.ReadMetadataAsync(KvPath.Of(op.Uri), ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);
        await access.SucceededAsync(op, metadata.CurrentVersion);
        await Send.OkAsync(new ListVersionsResponse(op.Uri.ToString(), metadata.CurrentVersion, VersionItem.From(metadata)), ct);
    }
}
