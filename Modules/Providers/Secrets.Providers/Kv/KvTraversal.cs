using System.Runtime.CompilerServices;

namespace Secrets.Providers.Kv;

/// <summary>Walks a store below a prefix, for listings and search.</summary>
internal static class KvTraversal
{
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
