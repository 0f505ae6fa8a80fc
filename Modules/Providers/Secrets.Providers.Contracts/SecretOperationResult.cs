using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>What one operation of a batch came to: its value, or the problem that refused or failed it; the URI when it parsed.</summary>
public sealed record SecretOperationResult<T>(CanonicalSecretUri? Uri, T? Value, SecretsProblem? Problem);
