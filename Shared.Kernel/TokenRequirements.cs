namespace Secrets.Shared.Kernel;

/// <summary>
/// What the caller's token must allow before anything else is looked at (docs/AUTHENTICATION.md): the
/// purpose's scope when <c>SECRETS_ENFORCE_SCOPES=true</c> (403 <c>INSUFFICIENT_SCOPE</c>, naming the
/// scope), and for <c>execute</c> a DPoP- or certificate-bound token when
/// <c>SECRETS_REQUIRE_SENDER_BINDING=true</c> (401 <c>SENDER_BINDING_REQUIRED</c>). Both refusals carry
/// their RFC 6750 / RFC 9449 challenge.
/// </summary>
public sealed record TokenRequirements(bool EnforceScopes, bool RequireSenderBinding, IReadOnlyList<string> DpopAlgorithms)
{
    /// <summary>Throws the refusal when the caller's token does not allow <paramref name="purpose"/>.</summary>
    public void Demand(Caller caller, Purpose purpose)
    {
        DemandScope(caller, SecretScopes.For(purpose));
        if (RequireSenderBinding && purpose == Purpose.Execute && caller.Binding is null)
            throw new SecretsProblem(ErrorCode.SenderBindingRequired)
            {
                Headers = [new(Challenges.Header, Challenges.For(Challenges.Dpop, DpopAlgorithms, "invalid_token", "this read needs a DPoP- or certificate-bound token"))],
            };
    }

    /// <summary>Throws 403 <c>INSUFFICIENT_SCOPE</c> when scopes are enforced and the caller lacks <paramref name="scope"/>.</summary>
    public void DemandScope(Caller caller, string scope)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!EnforceScopes || caller.Scopes.Contains(scope))
            return;
        throw new SecretsProblem(ErrorCode.InsufficientScope, detail: $"the access token lacks the scope {scope}")
        {
            Headers = [new(Challenges.Header, Challenges.For(Challenges.SchemeOf(caller), DpopAlgorithms, "insufficient_scope", $"requires {scope}", ("scope", scope)))],
        };
    }
}
