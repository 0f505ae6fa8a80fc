using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

[Flags]
internal enum KvCapabilities
{
    None = 0,
    Read = 1,
    PinnedRead = 2,
    Write = 4,
    CheckAndSet = 8,
    SoftDelete = 16,
    Undelete = 32,
    Destroy = 64,
    List = 128,
    CustomMetadata = 256,
    /// <summary>Version history and timestamps (KVv2 metadata).</summary>
    VersionMetadata = 512,
}

/// <summary>
/// The one versioned KV abstraction every provider implements (STYLE §2). Its shape follows
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
    Task WriteCustomMetadataAsync(KvPath path, IReadOnlyDictionary<string, string> custom, CancellationToken ct);

    /// <summary>One level below a prefix, as Vault's LIST answers: "name" for a secret, "name/" for a folder.</summary>
    IAsyncEnumerable<string> ListAsync(KvPath prefix, CancellationToken ct);

    /// <summary>For /health/ready: throws when the store cannot serve.</summary>
    Task CheckReadyAsync(CancellationToken ct);
}

/// <summary>A mount and a path below it ("" for the mount root).</summary>
internal readonly record struct KvPath(string Mount, string Path)
{
    public static KvPath Of(CanonicalSecretUri uri) => new(uri.Mount, uri.Path);

    public IEnumerable<string> Segments => Path.Length == 0 ? [] : Path.Split('/');

    public KvPath Child(string name) => new(Mount, Path.Length == 0 ? name : Path + "/" + name);

    public override string ToString() => Path.Length == 0 ? Mount : Mount + "/" + Path;
}

/// <summary>A read map and its version (null where the store keeps no versions).</summary>
internal sealed record KvEntry(SecretMap Data, int? Version)
{
    public SecretValue Select(string? fragment)
    {
        if (fragment is null)
            return Data.ToValue();
        return Data.TryGet(fragment, out var value) ? value : throw new SecretsProblem(ErrorCode.FragmentNotFound);
    }
}

internal sealed record KvVersionInfo(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed);

internal sealed record KvMetadata(
    int? CurrentVersion,
    DateTimeOffset? CreatedTime,
    DateTimeOffset? UpdatedTime,
    IReadOnlyDictionary<string, string> CustomMetadata,
    IReadOnlyList<KvVersionInfo> Versions,
    IReadOnlyList<string>? Keys);
