using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Contracts;

/// <summary>Published after a copy or move completed: where from, where to (no values).</summary>
public sealed record SecretRelocated(CanonicalSecretUri From, CanonicalSecretUri To, bool Moved);
