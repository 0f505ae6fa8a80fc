using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListKeys;

internal sealed class ListKeysRequest
{
    public string Uri { get; init; } = "";
}

internal sealed class ListKeysValidator : Validator<ListKeysRequest>
{
    public ListKeysValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}

internal sealed record ListKeysResponse(string Uri, IReadOnlyList<string> Keys);

/// <summary>GET /api/secrets/keys?uri=: one level of names below a path, as Vault's LIST ("name", "folder/").</summary>
internal sealed class ListKeysEndpoint(SecretAccess access, ListingOptions listing) : Endpoint<ListKeysRequest, ListKeysResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/keys");
        Summary(s => s.Summary = "List the names one level below a path (no values)");
    }

    public override async Task HandleAsync(ListKeysRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.ReadMetadata, AuditType.SecretMetadataRead,
            KvCapabilities.List, UriAllowance.Prefix, fragmentAllowed: false);
        var keys = new List<string>();
        await foreach (var name in op.Store.ListAsync(KvPath.Of(op.Uri), ct))
        {
            if (keys.Count == listing.MaxTraversal)
                break;
            keys.Add(name);
        }
        if (keys.Count == 0)
            throw new SecretsProblem(ErrorCode.SecretNotFound);
        await access.SucceededAsync(op);
        await Send.OkAsync(new ListKeysResponse(op.Uri.ToString(), keys), ct);
    }
}
