using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// One question the embedded PDP received: a <see cref="PolicyRequest"/>; or the reason it is denied without asking
/// (<see cref="Refusal"/>: a type, resource or action this PDP has no policies for); or, for an item of a batch, why
/// it could not be read (<see cref="Error"/>, AuthZEN 1.0 §7.2.1: denied, with the error in its context).
/// </summary>
internal sealed record AuthZenQuestion(PolicyRequest? Request, string? Refusal, string? Error = null)
{
    public static AuthZenQuestion Refused(string reason) => new(null, reason);

    public static AuthZenQuestion Invalid(string message) => new(null, null, message);
}
