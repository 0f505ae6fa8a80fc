using FastEndpoints;
using Secrets.Audit.Integrity;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Features.AuditKeys;

/// <summary>
/// GET /api/secrets/audit/keys: the public keys of this node's audit checkpoints as a JWK Set, for
/// <c>verify-audit --keys</c> (docs/AUDIT.md#keys). Served in every profile; with
/// <c>SECRETS_ENFORCE_SCOPES</c> the caller needs <c>secrets.read_metadata</c>, as for the other audit endpoints.
/// </summary>
internal sealed class AuditKeysEndpoint(AuditSigningKeys keys, TokenRequirements token) : EndpointWithoutRequest<AuditKeysResponse>
{
    public override void Configure()
    {
        Get("/api/secrets/audit/keys");
        Summary(s => s.Summary = "Public keys of the audit checkpoint signatures (JWK Set)");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        token.DemandScope(HttpContext.Features.Get<Caller>() ?? Caller.Anonymous(HttpContext.TraceIdentifier), SecretScopes.ReadMetadata);
        var key = await keys.CurrentAsync(ct);
        await Send.OkAsync(new AuditKeysResponse([new AuditJwk("OKP", "Ed25519", key.X, key.Kid, "sig", "EdDSA")]), ct);
    }
}
