namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenDecisionContext(
    string? DecisionId,
    AuthZenObligations? Obligations,
    string? Reason,
    AuthZenDecisionError? Error = null);
