using System.Globalization;
using Secrets.Grants.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Access;

/// <summary>
/// A secret the pipeline authorised for one use: its URI, its store and decision, and the provider
/// operations the target declared. <see cref="Version"/> is the KV version the audit record names: the
/// last one read or written (a slice that reads metadata sets it itself).
/// </summary>
internal sealed class AuthorizedSecret(CanonicalSecretUri uri, IKvStore store, KvCapabilities declared, AccessDecision decision, Caller caller,
    EntryFilter? entries = null)
    : IAuthorizedSecret
{
    private readonly EntryFilter entries = entries ?? EntryFilter.ShowAll;

    /// <summary>Whether the listing's entries are filtered for the caller (and its answer says so).</summary>
    public bool Filtered => entries.Filtered;

    /// <summary>
    /// The entries of a listing below this prefix the caller may see, in order; hidden ones leave no trace in
    /// what the listing counts or pages.
    /// </summary>
    public async Task<IReadOnlyList<T>> VisibleAsync<T>(IReadOnlyList<T> items, Func<T, CanonicalSecretUri> entryOf, CancellationToken ct)
    {
        if (!entries.Filtered || items.Count == 0)
            return items;
        var visible = await entries.Check(items.Select(entryOf).ToList(), caller, ct);
        var shown = new List<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (visible[i])
                shown.Add(items[i]);
        }
        return shown;
    }

    public CanonicalSecretUri Uri => uri;

    public string DecisionId => decision.DecisionId;

    /// <summary>When the grant that permitted this use expires; null when no grant stands behind it (authorization off).</summary>
    public DateTimeOffset? GrantExpiresAt => decision.GrantExpiresAt;

    /// <summary>For the Providers slices that list or read metadata: the store, unchecked.</summary>
    public IKvStore Store => store;

    public KvPath Path => KvPath.Of(uri);

    public int? Version { get; set; }

    /// <summary>How many paths a backup's listing yielded: the audit record's item count (null for everything else).</summary>
    public int? ItemCount { get; private set; }

    public async Task<SecretRead> ReadAsync(CancellationToken ct)
    {
        var (entry, read) = await ReadEntryAsync(ct);
        if (entry is null)
            throw new SecretsProblem(ErrorCode.SecretNotFound);
        return read ?? throw new SecretsProblem(ErrorCode.FragmentNotFound);
    }

    public async Task<SecretRead?> TryReadAsync(CancellationToken ct) => (await ReadEntryAsync(ct)).Read;

    /// <summary>The entry at the path (null when absent) and what the URI names in it (null when the fragment's key is absent).</summary>
    private async Task<(KvEntry? Entry, SecretRead? Read)> ReadEntryAsync(CancellationToken ct)
    {
        Require(KvCapabilities.Read);
        var entry = await store.ReadAsync(Path, uri.Version, ct);
        if (entry is null)
            return (null, null);
        Version = entry.Version;
        if (uri.Fragment is null)
            return (entry, new SecretRead(entry.Data, entry.Data.ToValue(), entry.Version));
        return (entry, entry.Data.TryGet(uri.Fragment, out var value) ? new SecretRead(entry.Data, value, entry.Version) : null);
    }

    public async Task<int?> WriteAsync(SecretValue value, int? cas, CancellationToken ct)
    {
        Require(KvCapabilities.Write | (cas is null ? KvCapabilities.None : KvCapabilities.CheckAndSet));
        int? version;
        if (uri.Fragment is not { } fragment)
            version = await store.WriteAsync(Path, SecretMap.FromValue(value) ?? throw new SecretsProblem(ErrorCode.InvalidValue), cas, ct);
        else if (cas is not null)
            throw new SecretsProblem(ErrorCode.FragmentNotAllowed);   // check-and-set addresses the whole map's version
        else
            version = await store.UpdateAsync(Path, current => (current ?? SecretMap.Empty).With(fragment, value), ct);
        return await WrittenAsync(version, ct);
    }

    public async Task<int?> ReplaceAsync(SecretValue value, CancellationToken ct)
    {
        Require(KvCapabilities.Read | KvCapabilities.Write);
        var fragment = uri.Fragment;
        var version = await store.UpdateAsync(Path, current =>
        {
            if (current is null)
                throw new SecretsProblem(ErrorCode.SecretNotFound);                 // rotation replaces what exists
            if (fragment is null)
                return SecretMap.FromValue(value) ?? throw new SecretsProblem(ErrorCode.InvalidValue);
            return current.TryGet(fragment, out _) ? current.With(fragment, value) : throw new SecretsProblem(ErrorCode.FragmentNotFound);
        }, ct);
        return await WrittenAsync(version, ct);
    }

    public async Task<int?> RollbackAsync(int toVersion, CancellationToken ct)
    {
        Require(KvCapabilities.Read | KvCapabilities.PinnedRead | KvCapabilities.Write);
        var source = await store.ReadAsync(Path, toVersion, ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);
        var fragment = uri.Fragment;
        SecretValue? value = null;
        if (fragment is not null && !source.Data.TryGet(fragment, out value))
            throw new SecretsProblem(ErrorCode.FragmentNotFound);
        var version = await store.UpdateAsync(Path, current => fragment is null ? source.Data : (current ?? SecretMap.Empty).With(fragment, value!), ct);
        return await WrittenAsync(version, ct);
    }

    public async Task<int?> DeleteAsync(CancellationToken ct)
    {
        Require(KvCapabilities.SoftDelete);
        if (uri.Fragment is { } fragment)
        {
            Version = await store.UpdateAsync(Path, current =>
            {
                if (current is null)
                    throw new SecretsProblem(ErrorCode.SecretNotFound);
                return current.TryGet(fragment, out _) ? current.Without(fragment) : throw new SecretsProblem(ErrorCode.FragmentNotFound);
            }, ct);
            return Version;
        }
        return await store.DeleteAsync(Path, null, ct) ? null : throw new SecretsProblem(ErrorCode.SecretNotFound);
    }

    public async Task DestroyAllAsync(CancellationToken ct)
    {
        Require(KvCapabilities.Destroy);
        if (!await store.DestroyAllAsync(Path, ct))
            throw new SecretsProblem(ErrorCode.SecretNotFound);
    }

    public Task UndeleteAsync(IReadOnlyList<int> versions, CancellationToken ct)
    {
        Require(KvCapabilities.Undelete);
        return store.UndeleteAsync(Path, versions, ct);
    }

    public Task DestroyAsync(IReadOnlyList<int> versions, CancellationToken ct)
    {
        Require(KvCapabilities.Destroy);
        return store.DestroyAsync(Path, versions, ct);
    }

    public Task SoftDeleteVersionsAsync(IReadOnlyList<int> versions, CancellationToken ct)
    {
        Require(KvCapabilities.SoftDelete);
        return store.DeleteAsync(Path, versions, ct);
    }

    public Task WriteCustomMetadataAsync(IReadOnlyDictionary<string, string> custom, CancellationToken ct)
    {
        Require(KvCapabilities.CustomMetadata);
        return store.WriteCustomMetadataAsync(Path, custom, ct);
    }

    public async IAsyncEnumerable<CanonicalSecretUri> SecretsUnderAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        Require(KvCapabilities.List);
        ItemCount = 0;
        var paths = new List<KvPath>();
        await foreach (var path in KvTraversal.SecretsUnderAsync(store, Path, int.MaxValue, ct))
            paths.Add(path);
        paths.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));
        foreach (var path in paths)
        {
            ItemCount++;
            yield return uri.WithPath(path.Path);
        }
    }

    public async Task<SecretSnapshot?> SnapshotAsync(CanonicalSecretUri path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        Require(KvCapabilities.Read);
        if (!Below(path))
            throw new InvalidOperationException("a snapshot is taken only of a path below the authorised prefix");
        var at = KvPath.Of(path);
        if ((store.Capabilities & (KvCapabilities.VersionMetadata | KvCapabilities.PinnedRead)) != (KvCapabilities.VersionMetadata | KvCapabilities.PinnedRead))
        {
            var only = await store.ReadAsync(at, null, ct);   // a store without versions: its one map as version 1
            return only is null ? null : new SecretSnapshot(path, 1, [new SecretVersionSnapshot(1, null, null, false, only.Data)], EmptyCustom);
        }
        var metadata = await store.ReadMetadataAsync(at, ct);
        if (metadata is null)
            return null;
        var versions = new List<SecretVersionSnapshot>(metadata.Versions.Count);
        foreach (var v in metadata.Versions.OrderBy(v => v.Version))
        {
            var version = new SecretVersionSnapshot(v.Version, v.CreatedTime, v.DeletionTime, v.Destroyed, null);
            if (v.DeletionTime is null && !v.Destroyed)
            {
                try
                {
                    version = version with { Data = (await store.ReadAsync(at, v.Version, ct))?.Data };
                }
                catch (SecretsProblem gone) when (gone.Code == ErrorCode.VersionDeleted || gone.Code == ErrorCode.VersionDestroyed)
                {
                    // deleted or destroyed since the metadata was read: kept as such, without data
                    version = version with { DeletionTime = DateTimeOffset.UtcNow, Destroyed = gone.Code == ErrorCode.VersionDestroyed };
                }
            }
            versions.Add(version);
        }
        var custom = (store.Capabilities & KvCapabilities.CustomMetadata) == 0 ? EmptyCustom : metadata.CustomMetadata;
        return new SecretSnapshot(path, metadata.CurrentVersion, versions, custom);
    }

    public async Task<SecretState?> ReadStateAsync(CancellationToken ct)
    {
        Require(KvCapabilities.Read);
        var latest = await store.ReadAsync(Path, null, ct);
        if ((store.Capabilities & KvCapabilities.VersionMetadata) == 0)
            return latest is null ? null : new SecretState(latest.Version, latest.Data, EmptyCustom);
        var metadata = await store.ReadMetadataAsync(Path, ct);
        if (metadata is null || metadata.Versions.Count == 0)
            return null;
        Version = metadata.CurrentVersion;
        var custom = (store.Capabilities & KvCapabilities.CustomMetadata) == 0 ? EmptyCustom : metadata.CustomMetadata;
        return new SecretState(metadata.CurrentVersion, latest?.Data, custom);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyCustom = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether a path is this prefix's (same provider and mount, its path below the prefix's).</summary>
    private bool Below(CanonicalSecretUri path) =>
        path.Scheme == uri.Scheme && path.Mount == uri.Mount && !path.IsPrefix
        && (uri.Path.Length == 0 || path.Path.StartsWith(uri.Path + "/", StringComparison.Ordinal));

    /// <summary>The path's metadata (Providers slices); 404 <c>SECRET_NOT_FOUND</c> when there is none. Its current version is audited.</summary>
    public async Task<KvMetadata> ReadMetadataAsync(CancellationToken ct)
    {
        var metadata = await store.ReadMetadataAsync(Path, ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);
        Version = metadata.CurrentVersion;
        return metadata;
    }

    /// <summary>
    /// After a write: the new version, and on a path's first write the stamps created_by (immutable),
    /// created_at (ISO-8601 UTC) and owner (defaults to the subject), where the store keeps custom
    /// metadata. Clients never supply them.
    /// </summary>
    private async Task<int?> WrittenAsync(int? version, CancellationToken ct)
    {
        Version = version;
        if ((store.Capabilities & KvCapabilities.CustomMetadata) == 0)
            return version;
        await store.UpdateCustomMetadataAsync(Path, custom =>
        {
            if (custom.ContainsKey(ProviderMetadata.CreatedBy))
                return null;
            var stamped = new Dictionary<string, string>(custom, StringComparer.Ordinal)
            {
                [ProviderMetadata.CreatedBy] = caller.Subject,
                [ProviderMetadata.CreatedAt] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            };
            stamped.TryAdd(ProviderMetadata.Owner, caller.Subject);
            return stamped;
        }, ct);
        return version;
    }

    /// <summary>An operation the target did not declare was never checked against the provider: a bug, not a 501.</summary>
    private void Require(KvCapabilities needed)
    {
        if ((declared & needed) != needed)
            throw new InvalidOperationException($"the request did not declare {needed & ~declared}");
    }
}
