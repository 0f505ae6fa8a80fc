using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.WriteSecret;

/// <summary>POST /api/secrets: create or update a map (no fragment) or one key (fragment).</summary>
internal sealed class WriteSecretEndpoint(SecretPipeline pipeline) : Endpoint<WriteSecretRequest, WriteSecretResponse>
{
    public override void Configure()
    {
        Post("/api/secrets");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretWritten)));
        Summary(s => s.Summary = "Create or update a secret (map without fragment, one key with fragment)");
    }

    public override async Task HandleAsync(WriteSecretRequest req, CancellationToken ct)
    {
        var needs = KvCapabilities.Write | (req.Cas is null ? KvCapabilities.None : KvCapabilities.CheckAndSet);
        var response = await pipeline.RunAsync(this, new SecretTarget(req.Uri, Purpose.Write, needs), async (secret, c) =>
            new WriteSecretResponse(secret.Uri.ToString(), await secret.WriteAsync(req.Value!, req.Cas, c)), ct);
        await Send.OkAsync(response, ct);
    }
}
