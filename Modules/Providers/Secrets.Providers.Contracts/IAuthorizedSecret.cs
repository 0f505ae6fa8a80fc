using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// A secret the access pipeline has authorised for one use in this request. Its operations reach the
/// provider; each needs a capability the target declared (asking for another is a programming error,
/// never a 501 after authorisation). Failures are thrown as <see cref="SecretsProblem"/>, whole.
/// </summary>
public interface IAuthorizedSecret
{
    CanonicalSecretUri Uri { get; }

    string DecisionId { get; }

    /// <summary>The map (or, with a fragment, its key); 404 <c>SECRET_NOT_FOUND</c> / <c>FRAGMENT_NOT_FOUND</c> when absent.</summary>
    Task<SecretRead> ReadAsync(CancellationToken ct);

    /// <summary>As <see cref="ReadAsync"/>, but null when the path or the key is absent.</summary>
    Task<SecretRead?> TryReadAsync(CancellationToken ct);

    /// <summary>
    /// Without a fragment the value (an object) replaces the map, with optional check-and-set; with one
    /// it upserts that key atomically. Stamps created_by, created_at and owner on a path's first write.
    /// </summary>
    Task<int?> WriteAsync(SecretValue value, int? cas, CancellationToken ct);

    /// <summary>
    /// Rotation: replaces what exists (the map, or the fragment's key) in one check-and-set step, retried
    /// a bounded number of times when another writer gets in between; 404 when there is nothing to replace.
    /// </summary>
    Task<int?> ReplaceAsync(SecretValue value, CancellationToken ct);

    /// <summary>
    /// Roll back: writes the data of <paramref name="toVersion"/> (the map, or with a fragment that key's value) as the
    /// newest version, over whatever is there; 409 <c>VERSION_DELETED</c> / <c>VERSION_DESTROYED</c> when that version's
    /// data is gone, 404 when it never existed. Returns the new version.
    /// </summary>
    Task<int?> RollbackAsync(int toVersion, CancellationToken ct);

    /// <summary>Soft-deletes the latest version (or removes the fragment's key: a new version without it).</summary>
    Task<int?> DeleteAsync(CancellationToken ct);

    /// <summary>Destroys every version and the metadata.</summary>
    Task DestroyAllAsync(CancellationToken ct);

    Task UndeleteAsync(IReadOnlyList<int> versions, CancellationToken ct);

    Task DestroyAsync(IReadOnlyList<int> versions, CancellationToken ct);

    /// <summary>Soft-deletes the given versions of the path (restore of a version that was soft-deleted).</summary>
    Task SoftDeleteVersionsAsync(IReadOnlyList<int> versions, CancellationToken ct);

    /// <summary>Replaces the path's custom metadata (restore); needs <see cref="KvCapabilities.CustomMetadata"/>.</summary>
    Task WriteCustomMetadataAsync(IReadOnlyDictionary<string, string> custom, CancellationToken ct);

    /// <summary>
    /// A prefix: every secret path below it (shallow LIST traversal, sorted), for a backup; needs
    /// <see cref="KvCapabilities.List"/>. The count of paths the enumeration yielded is the audit record's item count.
    /// </summary>
    IAsyncEnumerable<CanonicalSecretUri> SecretsUnderAsync(CancellationToken ct);

    /// <summary>
    /// A path below this prefix (one that <see cref="SecretsUnderAsync"/> yielded): every version with its data,
    /// its metadata and custom metadata where the store keeps them, one version otherwise; null when it is gone.
    /// Needs <see cref="KvCapabilities.Read"/>; holds one path in memory, never more.
    /// </summary>
    Task<SecretSnapshot?> SnapshotAsync(CanonicalSecretUri path, CancellationToken ct);

    /// <summary>What the path holds now (null when it has no version at all), for a restore to compare; needs <see cref="KvCapabilities.Read"/>.</summary>
    Task<SecretState?> ReadStateAsync(CancellationToken ct);
}
