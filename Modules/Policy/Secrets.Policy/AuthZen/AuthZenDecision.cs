namespace Secrets.Policy.AuthZen;

/// <summary>One decision. The client reads answers leniently (see <see cref="AuthZenMapping.VerdictFrom"/>); this is what the server writes.</summary>
internal sealed record AuthZenDecision(
    bool Decision,
    AuthZenDecisionContext? Context);
