using Microsoft.Extensions.Logging;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadServiceKey;

/// <summary>
/// The one reader of the keys the service keeps as secrets (docs/CONFIGURATION.md#keys-kept-as-secrets): reads the
/// value at a pointer as the service itself, not for a caller, so there is no scope, PEP or audit record; the
/// store comes from <see cref="KvStoreRegistry"/> as for every other read. Anything that keeps the key from being
/// read (no provider for the scheme, no secret, no such key, a refused version, a value that is not a base64
/// 32-byte key) is logged with the reason and the setting's name and answered 503 <c>PROVIDER_UNAVAILABLE</c>, so
/// the caller tries again on its next use; a provider failure (5xx) passes through whole. Neither the log nor the
/// problem holds the value.
/// </summary>
internal sealed partial class ServiceKeyReader(KvStoreRegistry stores, ILogger<ServiceKeyReader> logger) : IServiceKeys
{
    public async Task<SecretValue> ReadKeyAsync(CanonicalSecretUri pointer, string setting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (pointer.Fragment is not { } key)
            throw Unreadable(setting, "the pointer names no #key");
        try
        {
            var needs = KvCapabilities.Read | (pointer.Version is null ? KvCapabilities.None : KvCapabilities.PinnedRead);
            var entry = await stores.Require(pointer, needs).ReadAsync(KvPath.Of(pointer), pointer.Version, ct)
                ?? throw Unreadable(setting, "no secret is stored at the pointer");
            if (!entry.Data.TryGet(key, out var value))
                throw Unreadable(setting, "the secret at the pointer has no key " + key);
            return Is32Bytes(value) ? value : throw Unreadable(setting, "the value at the pointer is not a base64 32-byte key");
        }
        catch (SecretsProblem problem) when (problem.Code != ErrorCode.ProviderUnavailable && problem.Code != ErrorCode.ProviderError)
        {
            throw Unreadable(setting, problem.Code == ErrorCode.OperationNotSupported
                ? "no provider of the pointer's scheme is configured that can read it"
                : "the provider answered " + problem.Code.Value);
        }
    }

    /// <summary>
    /// The shape the contract promises (a string, base64 or base64url, of 32 bytes), checked here so that a wrong value
    /// is logged with its reason and answered 503 like any other unreadable key; the caller still parses it.
    /// </summary>
    private static bool Is32Bytes(SecretValue value)
    {
        if (value.Reveal() is not System.Text.Json.Nodes.JsonValue node || !node.TryGetValue<string>(out var text))
            return false;
        text = text.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        Span<byte> bytes = stackalloc byte[35];
        var ok = Convert.TryFromBase64String(text, bytes, out var written) && written == 32;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        return ok;
    }

    private SecretsProblem Unreadable(string setting, string reason)
    {
        LogUnreadable(logger, setting, reason);
        return new SecretsProblem(ErrorCode.ProviderUnavailable);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key at {Setting:l} cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string setting, string reason);
}
