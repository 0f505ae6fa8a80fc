namespace Secrets.Grants.Binding;

/// <summary>
/// Why a proof was refused: <see cref="Error"/> is <c>invalid_dpop_proof</c> or <c>use_dpop_nonce</c>
/// (RFC 9449 §7.1, §9); <see cref="Description"/> is one fixed sentence that never repeats the token, the
/// proof or key material. The caller answers 401 with <see cref="WwwAuthenticate"/> and, for
/// <c>use_dpop_nonce</c>, a fresh <c>DPoP-Nonce</c> header.
/// </summary>
internal sealed record DpopFailure(string Error, string Description)
{
    public const string InvalidProof = "invalid_dpop_proof";
    public const string UseNonce = "use_dpop_nonce";

    /// <summary>A valid proof by a key other than the token's <c>cnf.jkt</c> (RFC 9449 §7.1, Figure 16).</summary>
    public const string InvalidToken = "invalid_token";

    public bool NeedsNonce => Error == UseNonce;

    public bool IsKeyBinding => Error == InvalidToken;

    public string WwwAuthenticate(IEnumerable<string> algorithms) => DpopChallenge.Build(algorithms, Error, Description);
}
