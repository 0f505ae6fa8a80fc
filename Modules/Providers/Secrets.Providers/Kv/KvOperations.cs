using System.Runtime.CompilerServices;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>What a URI means for a store, shared by the HTTP slices and the mediator handlers.</summary>
internal static class KvOperations
{
    /// <summary>Reads the entry at a URI; 404 SECRET_NOT_FOUND when absent.</summary>
    public static async Task<KvEntry> ReadAsync(IKvStore store, CanonicalSecretUri uri, CancellationToken ct) =>
        await store.ReadAsync(KvPath.Of(uri), uri.Version, ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);

    /// <summary>
    /// Without a fragment the value (an object) replaces the map; with one it upserts that key
    /// atomically. Then, where the store keeps custom metadata, stamps the path on its first write.
    /// </summary>
    public static async Task<int?> WriteAsync(IKvStore store, CanonicalSecretUri uri, SecretValue value, int? cas, string subject, CancellationToken ct)
    {
        var path = KvPath.Of(uri);
        int? version;
        if (uri.Fragment is null)
        {
            var map = SecretMap.FromValue(value) ?? throw new SecretsProblem(ErrorCode.InvalidValue);
            version = await store.WriteAsync(path, map, cas, ct);
        }
        else
        {
            if (cas is not null)
                throw new SecretsProblem(ErrorCode.FragmentNotAllowed);   // CAS addresses the whole map's version
            var fragment = uri.Fragment;
            version = await store.UpdateAsync(path, current => (current ?? SecretMap.Empty).With(fragment, value), ct);
        }
        if ((store.Capabilities & KvCapabilities.CustomMetadata) != 0)
            await StampAsync(store, path, subject, ct);
        return version;
    }

    /// <summary>
    /// SPEC §3: created_by (immutable), created_at (ISO-8601 UTC) and owner (defaults to the subject)
    /// on the first write of a path; later writes keep them. Clients never supply these.
    /// </summary>
    private static async Task StampAsync(IKvStore store, KvPath path, string subject, CancellationToken ct)
    {
        var custom = (await store.ReadMetadataAsync(path, ct))?.CustomMetadata ?? new Dictionary<string, string>();
        if (custom.ContainsKey(ProviderMetadata.CreatedBy))
            return;
        var stamped = new Dictionary<string, string>(custom, StringComparer.Ordinal)
        {
            [ProviderMetadata.CreatedBy] = subject,
            [ProviderMetadata.CreatedAt] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        stamped.TryAdd(ProviderMetadata.Owner, subject);
        await store.WriteCustomMetadataAsync(path, stamped, ct);
    }

    /// <summary>
    /// Soft-deletes the latest version, removes one key (fragment: a new version without it, whose
    /// number is returned), or destroys every version.
    /// </summary>
    public static async Task<int?> DeleteAsync(IKvStore store, CanonicalSecretUri uri, bool destroyAll, CancellationToken ct)
    {
        var path = KvPath.Of(uri);
        if (uri.Fragment is { } fragment)
        {
            return await store.UpdateAsync(path, current =>
            {
                if (current is null)
                    throw new SecretsProblem(ErrorCode.SecretNotFound);
                return current.TryGet(fragment, out _) ? current.Without(fragment) : throw new SecretsProblem(ErrorCode.FragmentNotFound);
            }, ct);
        }
        var found = destroyAll ? await store.DestroyAllAsync(path, ct) : await store.DeleteAsync(path, null, ct);
        return found ? null : throw new SecretsProblem(ErrorCode.SecretNotFound);
    }

    /// <summary>
    /// Every secret path under a prefix, by shallow LIST traversal (breadth first, sorted), bounded
    /// by <paramref name="maxPaths"/> so that a huge mount cannot exhaust the service.
    /// </summary>
    public static async IAsyncEnumerable<KvPath> SecretsUnderAsync(IKvStore store, KvPath prefix, int maxPaths,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var folders = new Queue<KvPath>();
        folders.Enqueue(prefix);
        var seen = 0;
        while (folders.Count > 0)
        {
            var folder = folders.Dequeue();
            await foreach (var name in store.ListAsync(folder, ct))
            {
                if (name.EndsWith('/'))
                {
                    folders.Enqueue(folder.Child(name.TrimEnd('/')));
                    continue;
                }
                if (++seen > maxPaths)
                    yield break;
                yield return folder.Child(name);
            }
        }
    }
}
