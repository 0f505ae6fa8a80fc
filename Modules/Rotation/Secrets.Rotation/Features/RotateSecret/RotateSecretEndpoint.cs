using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

/// <summary>
/// POST /api/secrets/rotate {uri, value | generate, return_value}: replaces an existing secret or key — a new version
/// (KVv2) or an update in place (YAML) — in one check-and-set step, so a concurrent write of another key survives.
/// With <c>generate</c> the service draws the key's new value itself (docs/API.md#generated-values); with
/// <c>return_value</c> the answer carries it, and the caller's read of the secret is decided with its rotation, so a
/// caller who may not read it is refused before anything changes.
/// </summary>
internal sealed class RotateSecretEndpoint(ISecretOperations secrets) : Endpoint<RotateSecretRequest, RotateSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/rotate");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRotated)));
        Summary(s => s.Summary = "Rotate a secret to a new value, given or generated");
    }

    public override async Task HandleAsync(RotateSecretRequest req, CancellationToken ct)
    {
        var rotate = Target(req.Uri, req.Generate is not null);
        SecretTarget[] targets = req.ReturnValue ? [rotate, new SecretTarget(req.Uri, Purpose.Read, KvCapabilities.Read)] : [rotate];
        var request = new SecretRequest(targets) { CheckShape = () => ThrowIfAnyErrors() };
        var response = await secrets.RunAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(), request, async (authorized, c) =>
        {
            var value = req.Generate is { } spec ? SecretGenerator.Generate(spec) : req.Value!;
            var version = await authorized[0].ReplaceAsync(value, c);
            return new RotateSecretResponse(authorized[0].Uri.ToString(), version, req.ReturnValue ? value : null);
        }, ct);
        await Send.OkAsync(response, ct);
    }

    /// <summary>A rotation's use; one to a generated value writes one key, so its URI must name it.</summary>
    public static SecretTarget Target(string? uri, bool generated) =>
        new(uri, Purpose.Rotate, KvCapabilities.Read | KvCapabilities.Write) { FragmentRequired = generated };
}
