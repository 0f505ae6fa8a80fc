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
