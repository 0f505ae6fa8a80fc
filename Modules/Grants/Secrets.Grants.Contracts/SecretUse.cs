using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>One use in a batch. A denied required use denies the whole batch; an optional one only itself.</summary>
public sealed record SecretUse(CanonicalSecretUri Uri, Purpose Purpose, bool Required = true);
