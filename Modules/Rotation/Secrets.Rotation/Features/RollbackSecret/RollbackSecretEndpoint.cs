using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Features.RotateSecret;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RollbackSecret;

/// <summary>
/// POST /api/secrets/rollback {uri, to_version}: writes the data of an earlier KVv2 version as the newest version (with
/// a fragment, that key's value only), like <c>vault kv rollback</c>. A soft-deleted or destroyed source is 409; the
/// use is a rotation (purpose <c>rotate</c>) and is audited as one.
/// </summary>
internal sealed class RollbackSecretEndpoint(ISecretOperations secrets) : Endpoint<RollbackSecretRequest, RotateSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/rollback");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRotated)));
        Summary(s => s.Summary = "Roll a secret back: an earlier version's data becomes the newest version");
    }

    public override async Task HandleAsync(RollbackSecretRequest req, CancellationToken ct)
    {
        var request = new SecretRequest(Target(req.Uri)) { CheckShape = () => ThrowIfAnyErrors() };
        var response = await secrets.RunOneAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(), request, async (secret, c) =>
            new RotateSecretResponse(secret.Uri.ToString(), await secret.RollbackAsync(req.ToVersion, c)), ct);
        await Send.OkAsync(response, ct);
    }

    /// <summary>A rollback's use: a rotation that reads a pinned version (KVv2 only: other providers answer 501).</summary>
    public static SecretTarget Target(string? uri) =>
        new(uri, Purpose.Rotate, KvCapabilities.Read | KvCapabilities.PinnedRead | KvCapabilities.Write);
}
