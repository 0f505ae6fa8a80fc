using Secrets.Providers.Contracts;
using Secrets.Rotation.Archive;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RestoreSecrets;

/// <summary>
/// Restores one archived path through its authorised secret (docs/BACKUP.md#restore-semantics). Absent: create —
/// every version in order, so the version count matches (a destroyed version is written empty and destroyed, a
/// soft-deleted one written empty and soft-deleted), then the custom metadata. Present: update when the latest data
/// or the custom metadata differ — the archive's latest data as one new version, then the custom metadata — or
/// unchanged. A dry run decides the same and writes nothing.
/// </summary>
internal static class PathRestore
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Unchanged = "unchanged";

    /// <summary>What restoring a path needs of the provider on this service.</summary>
    public static KvCapabilities Needs(ArchiveReader.IndexedPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var needs = KvCapabilities.Read | KvCapabilities.Write;
        if (path.HasCustomMetadata)
            needs |= KvCapabilities.CustomMetadata;
        if (path.HasDeleted || path.LatestGone)
            needs |= KvCapabilities.SoftDelete;
        if (path.HasDestroyed)
            needs |= KvCapabilities.Destroy;
        return needs;
    }

    public static async Task<(string Action, int? Written)> RunAsync(IAuthorizedSecret secret, ArchivedPath record, bool dryRun, CancellationToken ct)
    {
        var state = await secret.ReadStateAsync(ct);
        if (state is null)
            return (Create, dryRun ? null : await CreateAsync(secret, record, ct));
        if (Equals(state.Latest, record.Latest) && SameCustom(state, record))
            return (Unchanged, null);
        return (Update, dryRun ? null : await UpdateAsync(secret, record, state, ct));
    }

    private static async Task<int> CreateAsync(IAuthorizedSecret secret, ArchivedPath record, CancellationToken ct)
    {
        var written = 0;
        foreach (var version in record.Versions)
        {
            var at = await secret.WriteAsync((version.Data ?? SecretMap.Empty).ToValue(), null, ct);
            written++;
            if (at is not { } number)
            {
                // a store without versions keeps one map: the archive's latest
                if (record.Latest is { } latest && !ReferenceEquals(latest, version.Data))
                    await secret.WriteAsync(latest.ToValue(), null, ct);
                return 1;
            }
            if (version.Destroyed)
                await secret.DestroyAsync([number], ct);
            else if (version.Deleted)
                await secret.SoftDeleteVersionsAsync([number], ct);
        }
        if (record.CustomMetadata.Count > 0)
            await secret.WriteCustomMetadataAsync(record.CustomMetadata, ct);
        return written;
    }

    private static async Task<int> UpdateAsync(IAuthorizedSecret secret, ArchivedPath record, SecretState state, CancellationToken ct)
    {
        var written = 0;
        if (!Equals(state.Latest, record.Latest))
        {
            if (record.Latest is { } latest)
            {
                await secret.WriteAsync(latest.ToValue(), null, ct);
                written++;
            }
            else if (state.CurrentVersion is { } current)
            {
                await secret.SoftDeleteVersionsAsync([current], ct);   // the archive's latest version was deleted
            }
        }
        if (!SameCustom(state, record))
            await secret.WriteCustomMetadataAsync(record.CustomMetadata, ct);
        return written;
    }

    /// <summary>An archive without custom metadata (a store that keeps none) leaves the path's own as it is.</summary>
    private static bool SameCustom(SecretState state, ArchivedPath record) =>
        record.CustomMetadata.Count == 0
        || (state.CustomMetadata.Count == record.CustomMetadata.Count
            && record.CustomMetadata.All(c => state.CustomMetadata.TryGetValue(c.Key, out var v) && v == c.Value));
}
