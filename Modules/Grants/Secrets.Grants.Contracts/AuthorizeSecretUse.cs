using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>
/// Asks the PEP whether <see cref="Caller"/> may use <see cref="Uri"/> for <see cref="Purpose"/>. The PEP
/// reads the resource attributes itself, server-side, when it needs a fresh decision.
/// </summary>
public sealed record AuthorizeSecretUse(CanonicalSecretUri Uri, Purpose Purpose, Caller Caller) : Request<AccessDecision>;

/// <summary>One use in a batch. A denied required use denies the whole batch; an optional one only itself.</summary>
public sealed record SecretUse(CanonicalSecretUri Uri, Purpose Purpose, bool Required = true);

/// <summary>
/// Batch authorisation (bulk, copy, move): one PDP round trip for the uses the grant cache cannot
/// answer. The decisions come back in order.
/// </summary>
public sealed record AuthorizeSecretUses(IReadOnlyList<SecretUse> Uses, Caller Caller) : Request<AccessDecisions>;

/// <summary>Obligations of a permit (SPEC §5). <see cref="RequireBinding"/>: dpop, mtls, any, or null for none.</summary>
public sealed record Obligations(int TtlSeconds, int MaxUses, string? RequireBinding);

/// <summary>
/// The PEP's answer. A deny carries its error code (403 SECRET_AUTHZ_FAILED or INSUFFICIENT_SCOPE, 401
/// BINDING_DENIED, SENDER_BINDING_REQUIRED or REPLAY_DENIED, 503
/// PDP_UNAVAILABLE, …). <see cref="Audited"/>: the PEP audited the deny itself (every policy, binding
/// and PDP/grant-state deny); a use refused because the provider could not be read is not a policy
/// decision, and the caller audits it as the operation's failure.
/// </summary>
public sealed record AccessDecision(bool Permitted, string DecisionId, int RemainingUses, Obligations Obligations, string? DenyCode = null, bool Audited = false)
{
    /// <summary>A fixed server-side detail for the deny (e.g. the missing scope), else the code's own.</summary>
    public string? DenyDetail { get; init; }

    /// <summary>The <c>WWW-Authenticate</c> value of a token-related deny (RFC 6750, RFC 9449).</summary>
    public string? Challenge { get; init; }

    public SecretsProblem ToProblem() => new(ErrorCode.FromValue(DenyCode ?? ErrorCode.SecretAuthzFailed.Value), detail: DenyDetail)
    {
        Headers = Challenge is null ? [] : [new(Challenges.Header, Challenge)],
    };
}

/// <summary>
/// Decisions in the order of the uses. <see cref="Permitted"/> is false when any required use was
/// denied; <see cref="FirstDeny"/> is then that use's decision.
/// </summary>
public sealed record AccessDecisions(IReadOnlyList<AccessDecision> Decisions, bool Permitted, AccessDecision? FirstDeny);
