using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>
/// The one versioned KV abstraction every provider implements (docs/PROVIDERS.md#one-versioned-kv-abstraction). Its shape follows
/// KVv2; stores declare what they support and <see cref="KvStoreRegistry"/> enforces it.
/// </summary>
internal interface IKvStore
{
    /// <summary>"openbao+kv2", "hashicorp+kv2", "yaml".</summary>
    string Scheme { get; }
    KvCapabilities Capabilities { get; }

    Task<KvEntry?> ReadAsync(KvPath path, int? version, CancellationToken ct);

    /// <summary>Replaces the map at a path; returns the new version (null where the store has none).</summary>
    Task<int?> WriteAsync(KvPath path, SecretMap data, int? cas, CancellationToken ct);

    /// <summary>
    /// Atomic read-modify-write of one path: concurrent updates never lose each other's keys.
    /// <paramref name="change"/> gets the current map (null when absent) and returns the new one.
    /// </summary>
    Task<int?> UpdateAsync(KvPath path, Func<SecretMap?, SecretMap> change, CancellationToken ct);

    /// <summary>Soft-deletes the latest (or given) versions; stores without versions remove the path. False when absent.</summary>
    Task<bool> DeleteAsync(KvPath path, IReadOnlyList<int>? versions, CancellationToken ct);
    Task UndeleteAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct);
    Task DestroyAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct);
    Task<bool> DestroyAllAsync(KvPath path, CancellationToken ct);
    Task<KvMetadata?> ReadMetadataAsync(KvPath path, CancellationToken ct);

    /// <summary>
    /// Read-modify-write of the custom metadata: <paramref name="change"/> gets the current map (empty when there is
    /// none) and returns the new one, or null to write nothing. A writer that gets in between is noticed where the
    /// store can (OpenBao's metadata check-and-set) and the change is applied again to a fresh read.
    /// </summary>
    Task UpdateCustomMetadataAsync(KvPath path, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>?> change, CancellationToken ct);

    /// <summary>Replaces the custom metadata.</summary>
    Task WriteCustomMetadataAsync(KvPath path, IReadOnlyDictionary<string, string> custom, CancellationToken ct) =>
        UpdateCustomMetadataAsync(path, _ => custom, ct);

    /// <summary>One level below a prefix, as Vault's LIST answers: "name" for a secret, "name/" for a folder.</summary>
    IAsyncEnumerable<string> ListAsync(KvPath prefix, CancellationToken ct);

    /// <summary>For /health/ready: throws when the store cannot serve.</summary>
    Task CheckReadyAsync(CancellationToken ct);
}
