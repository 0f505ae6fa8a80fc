using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>Reads the owner and creation stamps of a secret from its provider; throws the provider's problem when it cannot.</summary>
public delegate Task<ResourceAttributes> ResourceAttributesReader(CanonicalSecretUri uri, CancellationToken ct);
