using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>
/// The PEP's answer for one use. A refusal carries the whole problem the client gets: 403
/// <c>SECRET_AUTHZ_FAILED</c>, 401 <c>BINDING_DENIED</c> or <c>REPLAY_DENIED</c> with its challenge, 503
/// <c>PDP_UNAVAILABLE</c> or <c>GRANT_STATE_UNAVAILABLE</c>, or the provider's own problem (with its
/// <c>Retry-After</c>) when the resource attributes could not be read.
/// </summary>
public sealed record AccessDecision(bool Permitted, string DecisionId, int RemainingUses, Obligations Obligations, SecretsProblem? Refusal = null)
{
    public static AccessDecision Refused(string decisionId, Obligations obligations, SecretsProblem refusal) =>
        new(false, decisionId, 0, obligations, refusal);

    /// <summary>A permit answered from a cached grant, without asking the PDP (audit may sample such reads).</summary>
    public bool CacheHit { get; init; }

    /// <summary>When the grant behind a permit expires (null without one: authorization off); a read tells its client, which caches no longer.</summary>
    public DateTimeOffset? GrantExpiresAt { get; init; }
}
