using Secrets.Shared.Kernel;

namespace Secrets.Grants.Enforcement;

/// <summary>The PDP could not decide (docs/ERRORS.md): 503 <c>PDP_UNAVAILABLE</c> with <c>Retry-After</c>, never cached, never a permit.</summary>
internal static class PdpUnavailable
{
    /// <summary>How long a caller is told to wait: one PDP timeout is usually enough for it to answer again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static SecretsProblem Problem() => new(ErrorCode.PdpUnavailable, RetryAfter);
}
