namespace Secrets.Shared.Kernel;

/// <summary>The purposes (docs/AUTHORIZATION.md#purposes); <see cref="Name"/> is what the PDP and audits see.</summary>
public enum Purpose
{
    Read,
    Execute,
    Write,
    Delete,
    Undelete,
    DestroyVersions,
    Rotate,
    ReadMetadata,
    OwnerUpdate,
    Backup,
    Restore,
}

public static class PurposeNames
{
    public static string Name(this Purpose purpose) => purpose switch
    {
        Purpose.Read => "read",
        Purpose.Execute => "execute",
        Purpose.Write => "write",
        Purpose.Delete => "delete",
        Purpose.Undelete => "undelete",
        Purpose.DestroyVersions => "destroy_versions",
        Purpose.Rotate => "rotate",
        Purpose.ReadMetadata => "read_metadata",
        Purpose.OwnerUpdate => "owner_update",
        Purpose.Backup => "backup",
        Purpose.Restore => "restore",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };
}
