using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Rotation.Access;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

internal sealed class RotateSecretRequest
{
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
}

internal sealed class RotateSecretValidator : Validator<RotateSecretRequest>
{
    public RotateSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Value).Must(v => v is { IsNull: false }).WithMessage("'value' is required.");
    }
}

internal sealed record RotateSecretResponse(string Uri, int? Version);

/// <summary>POST /api/secrets/rotate {uri, value}: a new version (KVv2) or an update in place (YAML) of an existing secret or key.</summary>
internal sealed class RotateSecretEndpoint(RotationAccess access) : Endpoint<RotateSecretRequest, RotateSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/rotate");
        Summary(s => s.Summary = "Rotate a secret to a new value");
    }

    public override async Task HandleAsync(RotateSecretRequest req, CancellationToken ct)
    {
        var uri = RotationAccess.Parse(req.Uri);
        var intent = HttpContext.Intend(AuditType.SecretRotated, uri, Purpose.Rotate);
        access.Guard(uri);
        var caller = HttpContext.Caller();
        var decision = await access.AuthorizeAsync(uri, Purpose.Rotate, caller, intent, ct);
        await access.ReadAsync(uri, ct);                   // rotation replaces what exists: 404 otherwise
        var version = await access.WriteAsync(uri, req.Value!, caller, ct);
        intent.Audited = true;
        await access.AuditAsync(AuditRecord.Success(AuditType.SecretRotated, uri, Purpose.Rotate, caller, decision.DecisionId, version), ct);
        await Send.OkAsync(new RotateSecretResponse(uri.ToString(), version), ct);
    }
}
