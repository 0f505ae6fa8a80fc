namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenDecisions(
    IReadOnlyList<AuthZenDecision> Evaluations);
