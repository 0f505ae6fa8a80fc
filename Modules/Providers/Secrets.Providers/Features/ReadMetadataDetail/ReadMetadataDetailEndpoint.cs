using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadMetadataDetail;

internal sealed class SecretPathRequest
{
    public string Uri { get; init; } = "";
}

internal sealed class SecretPathValidator : Validator<SecretPathRequest>
{
    public SecretPathValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}

internal sealed record VersionItem(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed)
{
    public static IReadOnlyList<VersionItem> From(KvMetadata metadata) =>
        metadata.Versions.Select(v => new VersionItem(v.Version, v.CreatedTime, v.DeletionTime, v.Destroyed)).ToList();
}

internal sealed record MetadataDetailResponse(
    string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime,
    IReadOnlyDictionary<string, string> CustomMetadata, IReadOnlyList<VersionItem> Versions);

/// <summary>GET /api/secrets/metadata/detail?uri=: KVv2 versions and custom metadata of one path (501 for YAML).</summary>
internal sealed class ReadMetadataDetailEndpoint(SecretAccess access) : Endpoint<SecretPathRequest, MetadataDetailResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/metadata/detail");
        Summary(s => s.Summary = "KVv2 metadata of one path: versions and custom metadata");
    }

    public override async Task HandleAsync(SecretPathRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.ReadMetadata, AuditType.SecretMetadataRead,
            KvCapabilities.VersionMetadata | KvCapabilities.CustomMetadata, fragmentAllowed: false);
        var metadata = await op.Store.ReadMetadataAsync(KvPath.Of(op.Uri), ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);
        await access.SucceededAsync(op, metadata.CurrentVersion);
        await Send.OkAsync(new MetadataDetailResponse(op.Uri.ToString(), metadata.CurrentVersion, metadata.CreatedTime,
            metadata.UpdatedTime, metadata.CustomMetadata, VersionItem.From(metadata)), ct);
    }
}
