using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

// Mediator doors for other modules (Rotation: rotate, bulk, copy, move). The caller has already
// parsed, tenant-guarded and authorised the URI; these requests only reach the provider.
// Failures come back as values: exceptions do not cross the mediator typed.

/// <summary>Reads the map (or, with a fragment, one key) at a URI.</summary>
public sealed record ReadSecret(CanonicalSecretUri Uri) : Request<SecretRead>;

public sealed record SecretRead(SecretMap? Map, SecretValue? Value, int? Version, Failure? Failure);

/// <summary>Writes a whole map (no fragment) or one key (fragment); optional check-and-set.</summary>
public sealed record WriteSecretVersion(CanonicalSecretUri Uri, SecretValue Value, int? Cas, string Subject) : Request<SecretVersionWritten>;

public sealed record SecretVersionWritten(int? Version, Failure? Failure);

/// <summary>Soft-deletes the latest version (or removes one key with a fragment), or destroys every version.</summary>
public sealed record DeleteSecret(CanonicalSecretUri Uri, bool DestroyAll) : Request<SecretDeleted>;

/// <summary>Undeletes or destroys the given versions of a path.</summary>
public sealed record ChangeVersions(CanonicalSecretUri Uri, VersionChange Change, IReadOnlyList<int> Versions) : Request<SecretDeleted>;

public enum VersionChange
{
    Undelete,
    Destroy,
}

public sealed record SecretDeleted(Failure? Failure);

/// <summary>
/// Owner and creation stamps of a path, read server-side for the PDP. Empty for a missing path, a
/// prefix or a provider without custom metadata; a <see cref="Failure"/> when the provider could not
/// be read, so that the PEP never decides on attributes it does not have.
/// </summary>
public sealed record ReadResourceAttributes(CanonicalSecretUri Uri) : Request<ResourceAttributesRead>;

public sealed record ResourceAttributesRead(ResourceAttributes Attributes, Failure? Failure = null);
