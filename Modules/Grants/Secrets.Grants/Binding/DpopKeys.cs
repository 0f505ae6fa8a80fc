using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Secrets.Grants.Binding;

/// <summary>
/// Imported DPoP public keys by their RFC 7638 thumbprint, so a client's proofs (one per request, all
/// with the same key) cost a signature check and not a key import each. A key object serves one
/// verification at a time: each thumbprint has a small pool, rented and returned. Bounded: past
/// <see cref="MaxKeys"/> thumbprints the cache starts again, so a flood of one-off keys cannot grow it.
/// The thumbprint names the key's public members exactly, so a cached key is the key the proof names.
/// </summary>
internal sealed class DpopKeys
{
    public const int MaxKeys = 1024;

    /// <summary>Key objects kept per thumbprint: about one per core that verifies at the same time.</summary>
    private static readonly int PerKey = Math.Max(2, Environment.ProcessorCount);

    private readonly ConcurrentDictionary<string, ConcurrentBag<AsymmetricAlgorithm>> pools = new(StringComparer.Ordinal);

    public int Count => pools.Count;

    /// <summary>A key object for <paramref name="thumbprint"/>: a pooled one, else <paramref name="import"/>'s (null when the key does not import).</summary>
    public AsymmetricAlgorithm? Rent(string thumbprint, Func<AsymmetricAlgorithm?> import) =>
        pools.TryGetValue(thumbprint, out var pool) && pool.TryTake(out var key) ? key : import();

    public void Return(string thumbprint, AsymmetricAlgorithm key)
    {
        if (!pools.TryGetValue(thumbprint, out var pool))
        {
            if (pools.Count >= MaxKeys)
                pools.Clear();   // keys still rented are returned to fresh pools or dropped; the GC finalises the rest
            pool = pools.GetOrAdd(thumbprint, _ => []);
        }
        if (pool.Count < PerKey)
            pool.Add(key);
        else
            key.Dispose();
    }
}
