using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

/// <summary>
/// POST /api/secrets/rotate {uri, value}: replaces an existing secret or key — a new version (KVv2) or an
/// update in place (YAML) — in one check-and-set step, so a concurrent write of another key survives.
/// </summary>
internal sealed class RotateSecretEndpoint(ISecretOperations secrets) : Endpoint<RotateSecretRequest, RotateSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/rotate");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRotated)));
        Summary(s => s.Summary = "Rotate a secret to a new value");
    }

    public override async Task HandleAsync(RotateSecretRequest req, CancellationToken ct)
    {
        var request = new SecretRequest(new SecretTarget(req.Uri, Purpose.Rotate, KvCapabilities.Read | KvCapabilities.Write))
        {
            CheckShape = () => ThrowIfAnyErrors(),
        };
        var response = await secrets.RunOneAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(), request, async (secret, c) =>
            new RotateSecretResponse(secret.Uri.ToString(), await secret.ReplaceAsync(req.Value!, c)), ct);
        await Send.OkAsync(response, ct);
    }
}
