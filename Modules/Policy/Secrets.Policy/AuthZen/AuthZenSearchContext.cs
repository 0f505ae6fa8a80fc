namespace Secrets.Policy.AuthZen;

/// <summary>
/// The <c>context</c> of the embedded PDP's subject search answer: <see cref="Complete"/> is false when a rule
/// that names no subjects also permits, so subjects beyond the results are permitted too (<see cref="Reason"/> says so).
/// </summary>
internal sealed record AuthZenSearchContext(
    bool Complete,
    string? Reason);
