namespace Secrets.Shared.Kernel;

/// <summary>
/// The OAuth scopes and which one each purpose needs (docs/AUTHENTICATION.md#scopes, docs/API.md). Checked only with
/// <c>SECRETS_ENFORCE_SCOPES=true</c> (<see cref="TokenRequirements"/>).
/// </summary>
public static class SecretScopes
{
    public const string Read = "secrets.read";
    public const string Write = "secrets.write";
    public const string Delete = "secrets.delete";
    public const string Destroy = "secrets.destroy";
    public const string Rotate = "secrets.rotate";
    public const string ReadMetadata = "secrets.read_metadata";
    public const string SetOwner = "secrets.set_owner";
    public const string Admin = "secrets.admin";

    /// <summary>The embedded PDP's AuthZEN endpoints, by default outside dev (<c>AUTHZEN_REQUIRED_SCOPE</c>, docs/AUTHORIZATION.md).</summary>
    public const string Pdp = "secrets.pdp";

    public static IReadOnlyList<string> All { get; } = [Read, Write, Delete, Destroy, Rotate, ReadMetadata, SetOwner, Admin, Pdp];

    public static string For(Purpose purpose) => purpose switch
    {
        Purpose.Read or Purpose.Execute => Read,
        Purpose.Write => Write,
        Purpose.Delete or Purpose.Undelete => Delete,
        Purpose.DestroyVersions => Destroy,
        Purpose.Rotate => Rotate,
        Purpose.ReadMetadata => ReadMetadata,
        Purpose.OwnerUpdate => SetOwner,
        Purpose.Backup or Purpose.Restore => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };
}
