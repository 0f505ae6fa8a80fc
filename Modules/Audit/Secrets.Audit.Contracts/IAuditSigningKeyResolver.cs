using Secrets.Shared.Kernel;

namespace Secrets.Audit.Contracts;

/// <summary>
/// Reads the audit signing key that <c>AUDIT_SIGNING_KEY_POINTER</c> names (docs/AUDIT.md#keys): the value
/// at the canonical URI is a raw 32-byte Ed25519 seed, base64. The service reads it as itself, not for a
/// caller; the Providers module implements this, and until one is registered a pointer cannot be resolved.
/// </summary>
public interface IAuditSigningKeyResolver
{
    Task<SecretValue> ResolveAsync(CanonicalSecretUri pointer, CancellationToken ct);
}
