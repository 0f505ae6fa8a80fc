using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SoftDeleteSecret;

internal sealed class SoftDeleteSecretRequest
{
    public string Uri { get; init; } = "";
    public bool Destroy { get; init; }
}

internal sealed class SoftDeleteSecretValidator : Validator<SoftDeleteSecretRequest>
{
    public SoftDeleteSecretValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}

/// <summary>DELETE /api/secrets?uri=&amp;destroy=: soft-delete the latest version (or one key), or destroy every version.</summary>
internal sealed class SoftDeleteSecretEndpoint(SecretAccess access) : Endpoint<SoftDeleteSecretRequest>
{
    public override void Configure()
    {
        Delete("/api/secrets");
        Summary(s => s.Summary = "Soft-delete a secret (or remove one key with a fragment); destroy=true destroys all versions");
    }

    public override async Task HandleAsync(SoftDeleteSecretRequest req, CancellationToken ct)
    {
        var op = req.Destroy
            ? await access.BeginAsync(HttpContext, req.Uri, null, Purpose.DestroyVersions, AuditType.SecretDestroyed, KvCapabilities.Destroy, fragmentAllowed: false)
            : await access.BeginAsync(HttpContext, req.Uri, null, Purpose.Delete, AuditType.SecretDeleted, KvCapabilities.SoftDelete);
        var version = await KvOperations.DeleteAsync(op.Store, op.Uri, req.Destroy, ct);
        await access.SucceededAsync(op, version);
        await Send.NoContentAsync(ct);
    }
}
