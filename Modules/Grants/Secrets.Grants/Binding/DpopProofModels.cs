using System.Diagnostics.CodeAnalysis;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Binding;

/// <summary>
/// What a DPoP proof is checked against. <see cref="RequestUrl"/>: the request's scheme, host and path as
/// received (percent-encoded, as <c>UriHelper.BuildAbsolute</c> gives it), or <c>SECRETS_PUBLIC_BASE_URL</c>
/// + path behind a proxy; a query or fragment is ignored. <see cref="DpopHeaderValues"/>: every <c>DPoP</c>
/// header of the request. <see cref="ExpectedThumbprint"/>: the token's <c>cnf.jkt</c>.
/// <see cref="RequireNonce"/>: null follows <c>DPOP_NONCE_REQUIRED</c>.
/// </summary>
internal sealed record DpopProofRequest(
    string Method,
    string RequestUrl,
    IReadOnlyList<string?> DpopHeaderValues,
    string AccessToken,
    string ExpectedThumbprint)
{
    public bool? RequireNonce { get; init; }
}

/// <summary>
/// A proof that passed every check. The caller still has to accept <see cref="Jti"/> only once within
/// <see cref="DpopOptions.ReplayHold"/> (docs/AUTHENTICATION.md#anti-replay), after everything else about the request passed.
/// </summary>
internal sealed record DpopProof(string Jti, DateTimeOffset IssuedAt, string Thumbprint);

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

    public bool NeedsNonce => Error == UseNonce;

    public string WwwAuthenticate(IEnumerable<string> algorithms) => DpopChallenge.Build(algorithms, Error, Description);
}

internal sealed class DpopProofResult
{
    private DpopProofResult(DpopProof? proof, DpopFailure? failure)
    {
        Proof = proof;
        Failure = failure;
    }

    public DpopProof? Proof { get; }
    public DpopFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Proof))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => Proof is not null;

    public static DpopProofResult Valid(DpopProof proof) => new(proof, null);
    public static DpopProofResult Invalid(string description) => new(null, new(DpopFailure.InvalidProof, description));
    public static DpopProofResult NonceNeeded(string description) => new(null, new(DpopFailure.UseNonce, description));

    public override string ToString() => IsValid ? "valid" : $"{Failure.Error}: {Failure.Description}";
}

/// <summary>The <c>WWW-Authenticate</c> value of a DPoP challenge (RFC 9449 §7.1), e.g. <c>DPoP error="…", error_description="…", algs="ES256 PS256"</c>.</summary>
internal static class DpopChallenge
{
    public static string Build(IEnumerable<string> algorithms, string? error = null, string? description = null) =>
        Challenges.For(Challenges.Dpop, algorithms, error, description);
}
