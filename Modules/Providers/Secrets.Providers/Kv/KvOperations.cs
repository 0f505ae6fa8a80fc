using System.Runtime.CompilerServices;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>What a URI means for a store, shared by the HTTP slices and the mediator handlers.</summary>
internal static class KvOperations
{
    /// <summary>Reads the entry at a URI; 404 SECRET_NOT_FOUND when absent.</summary>
    public static async Task<KvEntry> ReadAsync(IKvStore store, CanonicalSecretUri uri, CancellationToken ct) =>
        await store.ReadAsync(KvPath.Of(uri), uri.Version, ct) ?? throw new SecretsProblem(ErrorCode.SecretNotFound);

    /// <summary>Without a fragment the value (an object) replaces the map; with one it upserts that key atomically.</summary>
    public static Task<int?> WriteAsync(IKvStore store, CanonicalSecretUri uri, SecretValue value, int? cas, CancellationToken ct)
    {
        var path = KvPath.Of(uri);
        if (uri.Fragment is null)
        {
            var map = SecretMap.FromValue(value) ?? throw new SecretsProblem(ErrorCode.InvalidValue);
            return store.WriteAsync(path, map, cas, ct);
        }
        if (cas is not null)
            throw new SecretsProblem(ErrorCode.FragmentNotAllowed);   // CAS addresses the whole map's version
        var fragment = uri.Fragment;
        return store.UpdateAsync(path, current => (current ?? SecretMap.Empty).With(fragment, value), ct);
    }

    /// <summary>Soft-deletes the latest version, removes one key (fragment), or destroys every version.</summary>
    public static async Task DeleteAsync(IKvStore store, CanonicalSecretUri uri, bool destroyAll, CancellationToken ct)
    {
        var path = KvPath.Of(uri);
        if (uri.Fragment is { } fragment)
        {
            await store.UpdateAsync(path, current =>
            {
                if (current is null)
                    throw new SecretsProblem(ErrorCode.SecretNotFound);
                return current.TryGet(fragment, out _) ? current.Without(fragment) : throw new SecretsProblem(ErrorCode.FragmentNotFound);
            }, ct);
            return;
        }
        var found = destroyAll ? await store.DestroyAllAsync(path, ct) : await store.DeleteAsync(path, null, ct);
        if (!found)
            throw new SecretsProblem(ErrorCode.SecretNotFound);
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
