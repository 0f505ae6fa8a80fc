using System.Globalization;
using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Archive;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BackupSecrets;

/// <summary>
/// POST /api/secrets/admin/backup {prefix} (docs/BACKUP.md): one use of the prefix for the purpose <c>backup</c>
/// through the access pipeline, then the archive of every path below it, streamed as it is produced: the paths are
/// listed (their count is the <c>X-Backup-Paths</c> header), then each path's versions are read and written as one
/// encrypted frame. A failure after the answer started cuts the stream short, which a restore refuses.
/// </summary>
internal sealed class BackupSecretsEndpoint(ISecretOperations secrets, BackupKeys keys, TimeProvider time) : Endpoint<BackupSecretsRequest>
{
    public const string PathsHeader = "X-Backup-Paths";

    /// <summary>What a backup reads: the listing, and each path's data (its versions and metadata where the provider keeps them).</summary>
    private const KvCapabilities Needs = KvCapabilities.List | KvCapabilities.Read;

    public override void Configure()
    {
        Post("/api/secrets/admin/backup");
        DontThrowIfValidationFails();
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretBackedUp)));
        Description(b => b.Produces(StatusCodes.Status200OK, contentType: "application/octet-stream"));
        Summary(s => s.Summary = "Stream an encrypted archive of every path under a prefix, with all versions and metadata");
    }

    public override async Task HandleAsync(BackupSecretsRequest req, CancellationToken ct)
    {
        var target = new SecretTarget(req.Prefix, Purpose.Backup, Needs) { Allow = UriAllowance.Prefix, FragmentAllowed = false };
        var request = new SecretRequest(target) { CheckShape = () => ThrowIfAnyErrors() };
        await secrets.RunOneAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(), request, async (prefix, c) =>
        {
            using var key = await keys.GetAsync(c);
            var paths = new List<CanonicalSecretUri>();
            await foreach (var path in prefix.SecretsUnderAsync(c))
                paths.Add(path);

            var now = time.GetUtcNow();
            var response = HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/octet-stream";
            response.Headers.ContentDisposition =
                $"attachment; filename=\"backup-{prefix.Uri.Mount}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.spbak\"";
            response.Headers[PathsHeader] = paths.Count.ToString(CultureInfo.InvariantCulture);
            HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.StartAsync(c);

            var writer = new ArchiveWriter(response.Body, key, ArchiveWriter.NewHeader(key, prefix.Uri, now));
            await writer.WriteHeaderAsync(c);
            foreach (var path in paths)
            {
                if (await prefix.SnapshotAsync(path, c) is { } snapshot)   // gone since the listing: nothing to keep
                    await writer.WriteEntryAsync(snapshot, c);
                await response.Body.FlushAsync(c);
            }
            await writer.FinishAsync(c);
            return writer.Paths;
        }, ct);
    }
}
