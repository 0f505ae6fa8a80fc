using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadSecretValue;

internal sealed class ReadSecretValueRequest
{
    public string Uri { get; init; } = "";
    public int? Version { get; init; }
}

internal sealed class ReadSecretValueValidator : Validator<ReadSecretValueRequest>
{
    public ReadSecretValueValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Version).GreaterThan(0);
    }
}

internal sealed record ReadSecretValueResponse(string Uri, int? Version, SecretValue Value);

/// <summary>GET /api/secrets/value: the provider-backed read through the PEP (purpose execute).</summary>
internal sealed class ReadSecretValueEndpoint(SecretAccess access) : Endpoint<ReadSecretValueRequest, ReadSecretValueResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/value");
        Summary(s => s.Summary = "Read a secret value (whole map, or one key with a fragment; version pin for KVv2)");
    }

    public override async Task HandleAsync(ReadSecretValueRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, req.Version, Purpose.Execute, AuditType.SecretRead, KvCapabilities.Read);
        var entry = await KvOperations.ReadAsync(op.Store, op.Uri, ct);
        var value = entry.Select(op.Uri.Fragment);
        await access.SucceededAsync(op, entry.Version);
        await Send.OkAsync(new ReadSecretValueResponse(op.Uri.ToString(), entry.Version, value), ct);
    }
}
