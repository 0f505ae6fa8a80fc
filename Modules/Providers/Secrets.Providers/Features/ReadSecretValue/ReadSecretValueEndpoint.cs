using System.Globalization;
using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadSecretValue;

/// <summary>
/// GET /api/secrets/value: the provider-backed read through the PEP (purpose execute). When a grant permitted the
/// read, <c>Secrets-Grant-Expires-In</c> says in how many seconds it expires, so a client that caches the value
/// (docs/CLIENT.md#value-cache) keeps it no longer than the policy allowed its use.
/// </summary>
internal sealed class ReadSecretValueEndpoint(SecretPipeline pipeline, TimeProvider time) : Endpoint<ReadSecretValueRequest, ReadSecretValueResponse>
{
    public const string GrantExpiresInHeader = "Secrets-Grant-Expires-In";

    public override void Configure()
    {
        Get("/api/secrets/value");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRead)));
        Summary(s => s.Summary = "Read a secret value (whole map, or one key with a fragment; version pin for KVv2)");
    }

    public override async Task HandleAsync(ReadSecretValueRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.Execute, KvCapabilities.Read) { Version = req.Version };
        var response = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var read = await secret.ReadAsync(c);
            if (secret.GrantExpiresAt is { } expires)
            {
                var seconds = Math.Max(0, (long)(expires - time.GetUtcNow()).TotalSeconds);
                HttpContext.Response.Headers[GrantExpiresInHeader] = seconds.ToString(CultureInfo.InvariantCulture);
            }
            return new ReadSecretValueResponse(secret.Uri.ToString(), read.Version, read.Value);
        }, ct);
        await Send.OkAsync(response, ct);
    }
}
