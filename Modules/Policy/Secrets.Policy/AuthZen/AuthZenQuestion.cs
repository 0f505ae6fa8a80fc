using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>One question the embedded PDP received: a <see cref="PolicyRequest"/>, or the reason it is denied without asking.</summary>
internal sealed record AuthZenQuestion(PolicyRequest? Request, string? Refusal)
{
    public static AuthZenQuestion Refused(string reason) => new(null, reason);
}
