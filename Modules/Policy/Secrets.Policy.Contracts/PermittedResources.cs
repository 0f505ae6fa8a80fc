namespace Secrets.Policy.Contracts;

/// Supported = false when the PDP offers no resource search (the caller then evaluates candidates in a batch instead);
/// Unavailable = true when the PDP could not be asked (fail closed).
public sealed record PermittedResources(bool Supported, bool Unavailable, IReadOnlyList<string> Resources);
