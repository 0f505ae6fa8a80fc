using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// A key the service itself keeps as a secret (docs/CONFIGURATION.md#keys-kept-as-secrets): the audit signing
/// seed at <c>AUDIT_SIGNING_KEY_POINTER</c>, the backup key at <c>BACKUP_KEY_POINTER</c>. Read as the service, not
/// for a caller, so there is no scope, PEP or audit record.
/// </summary>
public interface IServiceKeys
{
    /// <summary>
    /// The value at <paramref name="pointer"/> (a canonical URI naming one #key), which must be a base64 or
    /// base64url string of 32 bytes. Anything that keeps it from being read is logged with the reason and the
    /// <paramref name="setting"/>'s name and answered 503 <c>PROVIDER_UNAVAILABLE</c>; a provider failure passes
    /// through whole. Neither the log nor the problem holds the value.
    /// </summary>
    Task<SecretValue> ReadKeyAsync(CanonicalSecretUri pointer, string setting, CancellationToken ct);
}
