using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadYamlSecret;

/// <summary>GET /api/secrets?uri=: the YAML provider's map, or {"value": …} with a fragment. 501 for other providers.</summary>
internal sealed class ReadYamlSecretEndpoint(SecretPipeline pipeline) : Endpoint<ReadYamlSecretRequest>
{
    public override void Configure()
    {
        Get("/api/secrets");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRead)));
        Summary(s => s.Summary = "Read a YAML secret map or one key (dev helper; 501 for KVv2)");
    }

    public override async Task HandleAsync(ReadYamlSecretRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Uri, Purpose.Read, KvCapabilities.Read | KvCapabilities.DevRead);
        var body = await pipeline.RunAsync(this, target, async (secret, c) =>
        {
            var read = await secret.ReadAsync(c);
            return secret.Uri.Fragment is null ? (object)read.Map : new FragmentValueResponse(read.Value);
        }, ct);
        await Send.OkAsync(body, ct);
    }
}
