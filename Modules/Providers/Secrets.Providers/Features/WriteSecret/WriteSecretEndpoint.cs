using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.WriteSecret;

internal sealed class WriteSecretRequest
{
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public int? Cas { get; init; }
}

internal sealed class WriteSecretValidator : Validator<WriteSecretRequest>
{
    public WriteSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Value).Must(v => v is { IsNull: false }).WithMessage("'value' is required.");
        RuleFor(x => x.Cas).GreaterThanOrEqualTo(0);
    }
}

internal sealed record WriteSecretResponse(string Uri, int? Version);

/// <summary>POST /api/secrets: create or update a map (no fragment) or one key (fragment).</summary>
internal sealed class WriteSecretEndpoint(SecretAccess access) : Endpoint<WriteSecretRequest, WriteSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets");
        Summary(s => s.Summary = "Create or update a secret (map without fragment, one key with fragment)");
    }

    public override async Task HandleAsync(WriteSecretRequest req, CancellationToken ct)
    {
        var needed = KvCapabilities.Write | (req.Cas is null ? KvCapabilities.None : KvCapabilities.CheckAndSet);
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.Write, AuditType.SecretWritten, needed);
        var version = await KvOperations.WriteAsync(op.Store, op.Uri, req.Value!, req.Cas, op.Caller.Subject, ct);
        await access.SucceededAsync(op, version);
        await Send.OkAsync(new WriteSecretResponse(op.Uri.ToString(), version), ct);
    }
}
