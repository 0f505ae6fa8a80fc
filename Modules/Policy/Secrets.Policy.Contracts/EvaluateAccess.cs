using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Contracts;

/// <summary>One question for the PDP: may the caller use <see cref="Uri"/> for <see cref="Purpose"/>?</summary>
public sealed record AccessQuestion(CanonicalSecretUri Uri, Purpose Purpose, ResourceAttributes Attributes);

/// <summary>
/// The questions the PEP puts to the PDP (AuthZEN-shaped, docs/AUTHORIZATION.md), one or a batch. The PEP asks
/// only when <c>ENABLE_AUTHORIZATION=true</c>. The answer has exactly one verdict per question:
/// questions a short-circuited batch left out come back as denies.
/// </summary>
public sealed record EvaluateAccess(Caller Caller, IReadOnlyList<AccessQuestion> Questions, EvaluationSemantic Semantic = EvaluationSemantic.ExecuteAll)
    : Request<AccessVerdicts>;

/// <summary>AuthZEN <c>options.evaluations_semantic</c>.</summary>
public enum EvaluationSemantic
{
    ExecuteAll,
    DenyOnFirstDeny,
    PermitOnFirstPermit,
}

/// <summary>
/// A PDP decision. Absent obligations are null and take the PEP's defaults. <see cref="RequireBinding"/>
/// is <c>dpop</c>, <c>mtls</c>, <c>any</c> (some sender binding) or null (none required).
/// </summary>
public sealed record AccessVerdict(bool Decision, string? DecisionId, int? TtlSeconds, int? MaxUses, string? RequireBinding, string? Reason)
{
    public static AccessVerdict Deny(string reason) => new(false, null, null, null, null, reason);

    /// <summary>A question a short-circuited batch left out: a deny the PDP did not decide (so it is not cached).</summary>
    public static readonly AccessVerdict NotEvaluated = new(false, null, null, null, null, "not evaluated") { Evaluated = false };

    public bool Evaluated { get; init; } = true;
}

/// <summary>
/// The verdicts in question order. <see cref="Unavailable"/>: the PDP could not be asked or gave a
/// malformed answer, so every verdict is a deny and the caller gets 503 PDP_UNAVAILABLE (fail closed).
/// </summary>
public sealed record AccessVerdicts(IReadOnlyList<AccessVerdict> Verdicts, bool Unavailable = false);
