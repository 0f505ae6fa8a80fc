namespace Secrets.Policy.AuthZen;

/// <summary>
/// An error in one evaluation of a batch (AuthZEN 1.0 §7.2.1): carried in that decision's <c>context</c>, whose
/// <c>decision</c> is false. <see cref="Message"/> is a fixed server-side text that names the member, never input.
/// </summary>
internal sealed record AuthZenDecisionError(
    int Status,
    string Message);
