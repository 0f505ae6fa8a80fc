using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListKeys;

/// <summary>GET /api/secrets/keys?uri=: one level of names below a path, as Vault's LIST ("name", "folder/").</summary>
internal sealed class ListKeysEndpoint(SecretPipeline pipeline, ListingOptions listing) : Endpoint<ListKeysRequest, ListKeysResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/keys");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMetadataRead)));
        Summary(s => s.Summary = "List the names one level below a path (no values)");
    }

    public override async Task HandleAsync(ListKeysRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.ReadMetadata, KvCapabilities.List)
        {
            Allow = UriAllowance.Prefix, FragmentAllowed = false, DecidedPerEntry = true,
        };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var names = new List<string>();
            await foreach (var name in secret.Store.ListAsync(secret.Path, c))
            {
                if (names.Count == listing.MaxTraversal)
                    break;
                names.Add(name);
            }
            // a secret is shown when the caller may see it; a folder ("name/") when it may see the folder's prefix
            var keys = await secret.VisibleAsync(names, name => EntryOf(secret, name), c);
            return keys.Count == 0 ? throw new SecretsProblem(ErrorCode.SecretNotFound) : new ListKeysResponse(secret.Uri.ToString(), keys, secret.Filtered);
        }, ct);
        await Send.OkAsync(response, ct);
    }

    private static CanonicalSecretUri EntryOf(AuthorizedSecret secret, string name)
    {
        var child = secret.Path.Child(name.TrimEnd('/')).Path;
        return name.EndsWith('/') ? secret.Uri.WithPrefix(child) : secret.Uri.WithPath(child);
    }
}
