using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;

namespace Secrets.Rotation.Features.CopySecret;

/// <summary>POST /api/secrets/move {fromUri, toUri, overwrite}: copy, then soft-delete the source.</summary>
internal sealed class MoveSecretEndpoint(ISecretOperations secrets) : Endpoint<CopySecretRequest, CopySecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/move");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretMoved, Fixed: true)));
        Summary(s => s.Summary = "Move a secret (or one key): copy, then soft-delete the source");
    }

    public override async Task HandleAsync(CopySecretRequest req, CancellationToken ct) =>
        await Send.OkAsync(await SecretRelocation.RunAsync(secrets, this, req, move: true, () => ThrowIfAnyErrors(), ct), ct);
}
