using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Rotation.Access;
using Secrets.Rotation.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.CopySecret;

internal sealed class CopySecretRequest
{
    public string FromUri { get; init; } = "";
    public string ToUri { get; init; } = "";
    public bool Overwrite { get; init; }
}

internal sealed class CopySecretValidator : Validator<CopySecretRequest>
{
    public CopySecretValidator()
    {
        RuleFor(x => x.FromUri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.ToUri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
    }
}

internal sealed record CopySecretResponse(string FromUri, string ToUri, int? Version);

/// <summary>
/// Copy and move (SPEC §4): a whole path to a path, or one key (fragment) to a key. Every
/// authorisation (read on the source, write on the destination, delete on the source for a move)
/// is decided before any provider is touched; an existing destination is kept unless overwrite=true.
/// </summary>
internal sealed class SecretRelocation(RotationAccess access)
{
    public async Task<CopySecretResponse> RunAsync(HttpContext http, CopySecretRequest req, bool move, CancellationToken ct)
    {
        var from = RotationAccess.Parse(req.FromUri);
        var to = RotationAccess.Parse(req.ToUri);
        var type = move ? AuditType.SecretMoved : AuditType.SecretCopied;
        var intent = http.Intend(type, to, Purpose.Write);
        access.Guard(from);
        access.Guard(to);
        if ((from.Fragment is null) != (to.Fragment is null) || from == to)
            throw new SecretsProblem(ErrorCode.InvalidRequest);
        var caller = http.Caller();

        SecretUse[] uses = move
            ? [new(from, Purpose.Read), new(to, Purpose.Write), new(from, Purpose.Delete)]
            : [new(from, Purpose.Read), new(to, Purpose.Write)];
        var decisions = await access.AuthorizeAllAsync(uses, caller, intent, ct);    // one batch, all required
        var (read, write, delete) = (decisions[0], decisions[1], move ? decisions[2] : null);

        var source = await access.ReadAsync(from, ct);
        if (!req.Overwrite && await access.TryReadAsync(to, ct) is not null)
            throw new SecretsProblem(ErrorCode.DestinationExists);
        var value = from.Fragment is null ? source.Map!.ToValue() : source.Value!;
        var version = await access.WriteAsync(to, value, caller, ct);
        if (delete is not null)
            await access.DeleteAsync(from, destroyAll: false, ct);

        intent.Audited = true;
        await access.AuditAsync(AuditRecord.Success(AuditType.SecretRead, from, Purpose.Read, caller, read.DecisionId, source.Version), ct);
        await access.AuditAsync(AuditRecord.Success(type, to, Purpose.Write, caller, write.DecisionId, version), ct);
        if (delete is not null)
            await access.AuditAsync(AuditRecord.Success(AuditType.SecretDeleted, from, Purpose.Delete, caller, delete.DecisionId), ct);
        await access.PublishAsync(new SecretRelocated(from, to, move), ct);
        return new CopySecretResponse(from.ToString(), to.ToString(), version);
    }
}

/// <summary>POST /api/secrets/copy {fromUri, toUri, overwrite}.</summary>
internal sealed class CopySecretEndpoint(SecretRelocation relocation) : Endpoint<CopySecretRequest, CopySecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/copy");
        Summary(s => s.Summary = "Copy a secret (or one key) to another path; 409 DESTINATION_EXISTS unless overwrite");
    }

    public override async Task HandleAsync(CopySecretRequest req, CancellationToken ct) =>
        await Send.OkAsync(await relocation.RunAsync(HttpContext, req, move: false, ct), ct);
}

/// <summary>POST /api/secrets/move {fromUri, toUri, overwrite}: copy, then soft-delete the source.</summary>
internal sealed class MoveSecretEndpoint(SecretRelocation relocation) : Endpoint<CopySecretRequest, CopySecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/move");
        Summary(s => s.Summary = "Move a secret (or one key): copy, then soft-delete the source");
    }

    public override async Task HandleAsync(CopySecretRequest req, CancellationToken ct) =>
        await Send.OkAsync(await relocation.RunAsync(HttpContext, req, move: true, ct), ct);
}
