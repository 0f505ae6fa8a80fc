namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenEvaluationsOptions(
    string? EvaluationsSemantic);
