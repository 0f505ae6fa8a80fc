using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Contracts;

/// <summary>
/// The question the PEP puts to the PDP (AuthZEN-shaped, SPEC §5). The PEP asks it only when
/// <c>ENABLE_AUTHORIZATION=true</c>.
/// </summary>
public sealed record EvaluateAccess(
    string SubjectId, string TenantId, CanonicalSecretUri Uri, Purpose Purpose, string? CnfBinding,
    ResourceAttributes Attributes, Caller Caller) : Request<AccessVerdict>;

public sealed record AccessVerdict(bool Decision, string DecisionId, int? TtlSeconds, int? MaxUses, string? RequireBinding, string? Reason);
