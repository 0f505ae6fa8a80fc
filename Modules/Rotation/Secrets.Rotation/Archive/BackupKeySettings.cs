using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Archive;

/// <summary>
/// Where the backup key comes from (docs/BACKUP.md#key): <c>BACKUP_KEY</c>, the key itself (base64 or base64url of
/// 32 bytes), or <c>BACKUP_KEY_POINTER</c>, the canonical URI of a secret whose #key holds it, read by the service
/// itself at each backup or restore. Both are checked for shape at start; a wrong one stops the start with a message
/// that names the setting, never its value. Neither set: backups and restores answer 503 <c>BACKUP_KEY_UNAVAILABLE</c>.
/// </summary>
internal sealed class BackupKeySettings
{
    public const string KeySetting = "BACKUP_KEY";
    public const string PointerSetting = "BACKUP_KEY_POINTER";

    private BackupKeySettings(byte[]? key, CanonicalSecretUri? pointer)
    {
        Key = key;
        Pointer = pointer;
    }

    /// <summary>The key given directly; null when it is read from <see cref="Pointer"/> or not configured.</summary>
    public byte[]? Key { get; }

    public CanonicalSecretUri? Pointer { get; }

    public static BackupKeySettings From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var keyText = config[KeySetting]?.Trim();
        var pointerText = config[PointerSetting]?.Trim();
        if (!string.IsNullOrEmpty(keyText) && !string.IsNullOrEmpty(pointerText))
            throw new InvalidOperationException($"set {KeySetting} or {PointerSetting}, not both");
        if (!string.IsNullOrEmpty(keyText))
        {
            return new BackupKeySettings(ParseKey(keyText)
                ?? throw new InvalidOperationException($"{KeySetting} must be the base64 (or base64url) encoding of 32 random bytes"), null);
        }
        if (!string.IsNullOrEmpty(pointerText))
        {
            if (!CanonicalSecretUri.TryParse(pointerText, null, UriAllowance.None, out var pointer, out _) || pointer.Fragment is null)
                throw new InvalidOperationException($"{PointerSetting} must be a canonical secret URI naming one key (provider://mount/path#key)");
            return new BackupKeySettings(null, pointer);
        }
        return new BackupKeySettings(null, null);
    }

    /// <summary>32 bytes from base64 or base64url text; null for anything else.</summary>
    public static byte[]? ParseKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var bytes = new byte[35];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || written != BackupKey.Size)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            return null;
        }
        var key = bytes[..BackupKey.Size];
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        return key;
    }
}
