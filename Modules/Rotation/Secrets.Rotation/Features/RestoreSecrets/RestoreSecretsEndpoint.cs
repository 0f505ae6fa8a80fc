using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Archive;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RestoreSecrets;

/// <summary>
/// POST /api/secrets/admin/restore?dry_run=true|false[&amp;provider=…] with an archive as the body (docs/BACKUP.md#restore).
/// The upload is spooled to a temporary file and authenticated whole — header, every frame, the trailer's counts and
/// manifest hash — before anything is written; a wrong key or an archive that was edited or cut short is 400 and
/// changes nothing. Then each archived path is one operation through the access pipeline (purpose <c>restore</c>, its
/// own decision and audit record), in the archive's order, on the same provider scheme and mount (or the
/// <c>provider</c> given, for a migration). The answer reports each path; when every path was refused by scope or
/// policy, it is that refusal.
/// </summary>
internal sealed class RestoreSecretsEndpoint(ISecretOperations secrets, BackupKeys keys) : EndpointWithoutRequest<RestoreReport>
{
    public const string ArchiveMediaType = "application/octet-stream";

    public override void Configure()
    {
        Post("/api/secrets/admin/restore");
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretRestored)).Accepts<Stream>(ArchiveMediaType));
        Summary(s => s.Summary = "Restore an encrypted archive (dry_run=true reports create/update/unchanged per path and changes nothing)");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var scope = HttpContext.Features.GetRequiredFeature<OperationScope>();
        secrets.DemandPurpose(scope, Purpose.Restore);   // a caller without the scope is refused before its upload is read
        var (dryRun, provider) = QueryOptions(HttpContext.Request.Query);
        if (!MediaTypeHeaderValue.TryParse(HttpContext.Request.ContentType, out var media)
            || !media.MediaType.Equals(ArchiveMediaType, StringComparison.OrdinalIgnoreCase))
            throw new SecretsProblem(ErrorCode.UnsupportedMediaType, detail: "send the archive as application/octet-stream");

        using var key = await keys.GetAsync(ct);
        await using var archive = await ArchiveReader.SpoolAsync(HttpContext.Request.Body, ct);
        await archive.VerifyAsync(key, ct);   // the whole archive is authentic before the first write

        var scheme = provider ?? archive.Header.SourceScheme;
        if (archive.Paths.Count == 0)
            await RestoreNothingAsync(scope, scheme, archive.Header, ct);
        var operations = archive.Paths.Select(path => new SecretOperation<(string Action, int? Written)>(
            new SecretTarget($"{scheme}://{archive.Header.SourceMount}/{path.Path}", Purpose.Restore, PathRestore.Needs(path)) { FragmentAllowed = false },
            async (secret, c) => await PathRestore.RunAsync(secret, await archive.ReadAsync(key, path, c), dryRun, c))).ToList();
        var ran = await secrets.RunEachAsync(scope, operations, continueOnError: true, ct);

        if (ran.Count > 0 && ran.All(r => r.Problem is { Status: 401 or 403 }))
            throw ran[0].Problem!;   // nothing may be restored: the refusal is the answer (each path has its deny record)

        var results = new List<RestoredPath>(ran.Count);
        for (var i = 0; i < ran.Count; i++)
        {
            var (path, result) = (archive.Paths[i], ran[i]);
            var uri = result.Uri?.ToString() ?? $"{scheme}://{archive.Header.SourceMount}/{path.Path}";
            results.Add(result.Problem is { } problem
                ? new RestoredPath(uri, null, problem.Status, problem.Code.Value, null)
                : new RestoredPath(uri, result.Value.Action, StatusCodes.Status200OK, null, result.Value.Written));
        }
        var header = archive.Header;
        await Send.OkAsync(new RestoreReport(dryRun, header.SourceScheme, header.SourceMount, header.Prefix, header.CreatedAt, results.Count,
            results.Count(r => r.Action == PathRestore.Create), results.Count(r => r.Action == PathRestore.Update),
            results.Count(r => r.Action == PathRestore.Unchanged), results.Count(r => r.Code is not null), results), ct);
    }

    /// <summary>
    /// An archive of a prefix that held nothing: one use of that prefix for <c>restore</c>, so that the request is
    /// authorised and audited like one that restores paths; nothing is written.
    /// </summary>
    private Task<int> RestoreNothingAsync(OperationScope scope, string scheme, ArchiveHeader header, CancellationToken ct)
    {
        var at = header.Prefix.IndexOf("://", StringComparison.Ordinal);
        var prefix = at < 0 ? header.Prefix : scheme + header.Prefix[at..];
        var target = new SecretTarget(prefix, Purpose.Restore, KvCapabilities.Write) { Allow = UriAllowance.Prefix, FragmentAllowed = false };
        return secrets.RunOneAsync(scope, new SecretRequest(target), (_, _) => Task.FromResult(0), ct);
    }

    /// <summary><c>dry_run</c> (true or false, default false) and <c>provider</c> (a scheme such as <c>hashicorp+kv2</c>); anything else is 400.</summary>
    private static (bool DryRun, string? Provider) QueryOptions(IQueryCollection query)
    {
        var dryRun = false;
        string? provider = null;
        foreach (var (name, values) in query)
        {
            if (values.Count != 1)
                throw new SecretsProblem(ErrorCode.InvalidRequest);
            var value = values[0] ?? "";
            switch (name)
            {
                case "dry_run" when bool.TryParse(value, out var parsed):
                    dryRun = parsed;
                    break;
                case "provider" when value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '+'):
                    provider = value;
                    break;
                default:
                    throw new SecretsProblem(ErrorCode.InvalidRequest);
            }
        }
        return (dryRun, provider);
    }
}
