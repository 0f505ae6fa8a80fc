using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ResolveAuditSigningKey;

/// <summary>
/// The Audit module's door to its signing key (docs/AUDIT.md#keys): the Ed25519 seed at
/// <c>AUDIT_SIGNING_KEY_POINTER</c>, read by the one reader of the service's own keys
/// (<see cref="IServiceKeys"/>): an unreadable key is logged with its reason and answered 503
/// <c>PROVIDER_UNAVAILABLE</c>, so the Audit module tries again on its next use.
/// </summary>
internal sealed class AuditSigningKeyResolver(IServiceKeys keys) : IAuditSigningKeyResolver
{
    public const string Setting = "AUDIT_SIGNING_KEY_POINTER";

    public Task<SecretValue> ResolveAsync(CanonicalSecretUri pointer, CancellationToken ct) => keys.ReadKeyAsync(pointer, Setting, ct);
}
