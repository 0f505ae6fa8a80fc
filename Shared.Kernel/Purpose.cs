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
