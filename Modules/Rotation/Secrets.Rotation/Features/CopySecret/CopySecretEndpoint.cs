using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;

namespace Secrets.Rotation.Features.CopySecret;

/// <summary>POST /api/secrets/copy {fromUri, toUri, overwrite}.</summary>
internal sealed class CopySecretEndpoint(ISecretOperations secrets) : Endpoint<CopySecretRequest, CopySecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/copy");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretCopied, Fixed: true)));
        Summary(s => s.Summary = "Copy a secret (or one key) to another path; 409 DESTINATION_EXISTS unless overwrite");
    }

    public override async Task HandleAsync(CopySecretRequest req, CancellationToken ct) =>
        await Send.OkAsync(await SecretRelocation.RunAsync(secrets, this, req, move: false, () => ThrowIfAnyErrors(), ct), ct);
}
