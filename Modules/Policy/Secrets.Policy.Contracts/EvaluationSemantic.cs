namespace Secrets.Policy.Contracts;

/// <summary>AuthZEN <c>options.evaluations_semantic</c>.</summary>
public enum EvaluationSemantic
{
    ExecuteAll,
    DenyOnFirstDeny,
    PermitOnFirstPermit,
}
