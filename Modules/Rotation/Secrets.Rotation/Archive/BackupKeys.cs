using System.Text.Json.Nodes;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Archive;

/// <summary>
/// The backup key for one backup or restore: <c>BACKUP_KEY</c>, or the value at <c>BACKUP_KEY_POINTER</c> read
/// through the Providers module as the service itself (<see cref="IServiceKeys"/>, which logs why a key cannot be
/// read and answers 503). Without either, 503 <c>BACKUP_KEY_UNAVAILABLE</c>, which names both settings.
/// </summary>
internal sealed class BackupKeys(BackupKeySettings settings, IServiceKeys serviceKeys)
{
    public async Task<BackupKey> GetAsync(CancellationToken ct)
    {
        if (settings.Key is { } key)
            return BackupKey.FromBytes(key);
        if (settings.Pointer is not { } pointer)
            throw new SecretsProblem(ErrorCode.BackupKeyUnavailable);
        var value = await serviceKeys.ReadKeyAsync(pointer, BackupKeySettings.PointerSetting, ct);
        var text = value.Reveal() is JsonValue node && node.TryGetValue<string>(out var s) ? s : null;
        var raw = BackupKeySettings.ParseKey(text) ?? throw new SecretsProblem(ErrorCode.ProviderUnavailable);
        try
        {
            return BackupKey.FromBytes(raw);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        }
    }
}
