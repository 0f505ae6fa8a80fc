using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SetOwner;

/// <summary>POST /api/secrets/metadata/owner {uri, owner}: changes the owner stamp, keeping created_by and created_at (KVv2).</summary>
internal sealed class SetOwnerEndpoint(SecretPipeline pipeline) : Endpoint<SetOwnerRequest, SetOwnerResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/metadata/owner");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretOwnerUpdated)));
        Summary(s => s.Summary = "Set the owner of a KVv2 path");
    }

    public override async Task HandleAsync(SetOwnerRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.OwnerUpdate, KvCapabilities.CustomMetadata) { FragmentAllowed = false };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            await secret.ReadMetadataAsync(c);   // 404 SECRET_NOT_FOUND for a path with nothing, and the audited version
            await secret.Store.UpdateCustomMetadataAsync(secret.Path, custom =>
                new Dictionary<string, string>(custom, StringComparer.Ordinal) { [ProviderMetadata.Owner] = req.Owner }, c);
            return new SetOwnerResponse(secret.Uri.ToString(), req.Owner);
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
