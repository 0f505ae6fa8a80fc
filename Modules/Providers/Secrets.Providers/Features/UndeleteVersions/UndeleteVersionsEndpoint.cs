using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.UndeleteVersions;

internal sealed class VersionsRequest
{
    public string Uri { get; init; } = "";
    public IReadOnlyList<int>? Versions { get; init; }
}

internal sealed class VersionsValidator : Validator<VersionsRequest>
{
    public const int MaxVersions = 100;

    public VersionsValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Versions).NotEmpty().Must(v => v is null || v.Count <= MaxVersions)
            .WithMessage($"'versions' takes at most {MaxVersions} entries.");
        RuleForEach(x => x.Versions).GreaterThan(0);
    }
}

/// <summary>POST /api/secrets/undelete {uri, versions}: restores exactly the given soft-deleted versions (KVv2).</summary>
internal sealed class UndeleteVersionsEndpoint(SecretAccess access) : Endpoint<VersionsRequest>
{
    public override void Configure()
    {
        Post("/api/secrets/undelete");
        Summary(s => s.Summary = "Undelete the given versions of a KVv2 path");
    }

    public override async Task HandleAsync(VersionsRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.Undelete, AuditType.SecretUndeleted,
            KvCapabilities.Undelete, fragmentAllowed: false);
        await op.Store.UndeleteAsync(KvPath.Of(op.Uri), req.Versions!, ct);
        await access.SucceededAsync(op);
        await Send.NoContentAsync(ct);
    }
}
