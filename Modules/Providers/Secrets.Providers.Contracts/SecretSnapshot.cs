using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// Everything a backup keeps of one path (docs/BACKUP.md): every version in order with its data (null for a
/// soft-deleted or destroyed one, whose data the provider no longer serves), its state and times, the custom
/// metadata and the current version. A store without versions (YAML) has one version, 1, and no metadata.
/// </summary>
public sealed record SecretSnapshot(
    CanonicalSecretUri Uri,
    int? CurrentVersion,
    IReadOnlyList<SecretVersionSnapshot> Versions,
    IReadOnlyDictionary<string, string> CustomMetadata)
{
    /// <summary>The data of the current version, or null when it is soft-deleted or destroyed.</summary>
    public SecretMap? Latest =>
        Versions.Count == 0 ? null : (CurrentVersion is { } current ? Versions.FirstOrDefault(v => v.Version == current) : Versions[^1])?.Data;
}

/// <summary>One version of a path in a <see cref="SecretSnapshot"/>.</summary>
public sealed record SecretVersionSnapshot(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed, SecretMap? Data)
{
    public bool Deleted => DeletionTime is not null && !Destroyed;
}

/// <summary>What a path holds now, for a restore to compare: its current version, the latest data (null when soft-deleted or destroyed) and the custom metadata.</summary>
public sealed record SecretState(int? CurrentVersion, SecretMap? Latest, IReadOnlyDictionary<string, string> CustomMetadata);
