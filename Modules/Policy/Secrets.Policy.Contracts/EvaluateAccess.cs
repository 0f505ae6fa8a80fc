using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Contracts;

/// <summary>
/// The questions the PEP puts to the PDP (AuthZEN-shaped, docs/AUTHORIZATION.md), one or a batch. The PEP asks
/// only when <c>ENABLE_AUTHORIZATION=true</c>. The answer has exactly one verdict per question:
/// questions a short-circuited batch left out come back as denies.
/// </summary>
public sealed record EvaluateAccess(Caller Caller, IReadOnlyList<AccessQuestion> Questions, EvaluationSemantic Semantic = EvaluationSemantic.ExecuteAll)
    : Request<AccessVerdicts>;
