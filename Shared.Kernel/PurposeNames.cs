namespace Secrets.Shared.Kernel;

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
