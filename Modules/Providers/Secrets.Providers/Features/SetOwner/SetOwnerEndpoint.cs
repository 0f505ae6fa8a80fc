using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SetOwner;

internal sealed class SetOwnerRequest
{
    public string Uri { get; init; } = "";
    public string Owner { get; init; } = "";
}

internal sealed class SetOwnerValidator : Validator<SetOwnerRequest>
{
    public SetOwnerValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Owner).NotEmpty().MaximumLength(256);
    }
}

internal sealed record SetOwnerResponse(string Uri, string Owner);

/// <summary>POST /api/secrets/metadata/owner {uri, owner}: changes the owner stamp, keeping created_by and created_at (KVv2).</summary>
internal sealed class SetOwnerEndpoint(SecretAccess access) : Endpoint<SetOwnerRequest, SetOwnerResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/metadata/owner");
        Summary(s => s.Summary = "Set the owner of a KVv2 path");
    }

    public override async Task HandleAsync(SetOwnerRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.OwnerUpdate, AuditType.SecretOwnerUpdated,
            KvCapabilities.CustomMetadata, fragmentAllowed: false);
        var path = KvPath.Of(op.Uri);
        var metadata = await op.Store.ReadMetadataAsync(path, ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);
        var custom = new Dictionary<string, string>(metadata.CustomMetadata, StringComparer.Ordinal) { [ProviderMetadata.Owner] = req.Owner };
        await op.Store.WriteCustomMetadataAsync(path, custom, ct);
        await access.SucceededAsync(op, metadata.CurrentVersion);
        await Send.OkAsync(new SetOwnerResponse(op.Uri.ToString(), req.Owner), ct);
    }
}
