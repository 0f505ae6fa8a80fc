namespace Secrets.Policy.AuthZen;

/// <summary>GET /.well-known/authzen-configuration (PDP metadata).</summary>
internal sealed record AuthZenConfiguration(
    string PolicyDecisionPoint,
    string AccessEvaluationEndpoint,
    string AccessEvaluationsEndpoint);
