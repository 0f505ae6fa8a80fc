namespace Secrets.Grants.Contracts;

/// <summary>
/// Decisions in the order of the uses. <see cref="Permitted"/> is false when any required use was
/// refused; <see cref="FirstDeny"/> is then that use's decision.
/// </summary>
public sealed record AccessDecisions(IReadOnlyList<AccessDecision> Decisions, bool Permitted, AccessDecision? FirstDeny);
