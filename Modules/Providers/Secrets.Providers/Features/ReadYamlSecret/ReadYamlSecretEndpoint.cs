using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Yaml;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadYamlSecret;

internal sealed class ReadYamlSecretRequest
{
    public string Uri { get; init; } = "";
}

internal sealed class ReadYamlSecretValidator : Validator<ReadYamlSecretRequest>
{
    public ReadYamlSecretValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}

internal sealed record FragmentValueResponse(SecretValue Value);

/// <summary>GET /api/secrets?uri=: the YAML provider's map, or {"value": …} with a fragment. 501 for other providers.</summary>
internal sealed class ReadYamlSecretEndpoint(SecretAccess access) : Endpoint<ReadYamlSecretRequest>
{
    public override void Configure()
    {
        Get("/api/secrets");
        Summary(s => s.Summary = "Read a YAML secret map or one key (dev helper; 501 for KVv2)");
    }

    public override async Task HandleAsync(ReadYamlSecretRequest req, CancellationToken ct)
    {
        var op = await access.BeginAsync(HttpContext, req.Uri, null, Purpose.Read, AuditType.SecretRead,
            KvCapabilities.Read, allow: UriAllowance.None);
        if (op.Store.Scheme != YamlKvStore.SchemeName)
            throw new SecretsProblem(ErrorCode.OperationNotSupported);
        var entry = await KvOperations.ReadAsync(op.Store, op.Uri, ct);
        object body = op.Uri.Fragment is null ? entry.Data : new FragmentValueResponse(entry.Select(op.Uri.Fragment));
        await access.SucceededAsync(op, entry.Version);
        await Send.OkAsync(body, ct);
    }
}
