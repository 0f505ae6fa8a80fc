using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

/// <summary>The grant store (Redis) could not be reached or answered wrongly; maps to 503 GRANT_STATE_UNAVAILABLE.</summary>
internal sealed class GrantStateUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>How long a caller is told to wait before trying again: Redis is usually back within a reconnect.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>The answer: 503 <c>GRANT_STATE_UNAVAILABLE</c> with <c>Retry-After</c>, never a permit.</summary>
    public static SecretsProblem Problem() => new(ErrorCode.GrantStateUnavailable, RetryAfter);
}
