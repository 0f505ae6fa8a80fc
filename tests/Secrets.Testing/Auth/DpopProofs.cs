namespace Secrets.Testing.Auth;

/// <summary>DPoP proofs (RFC 9449 §4.2) from a client's key, valid for one request unless edited.</summary>
public static class DpopProofs
{
    /// <summary>
    /// A proof for <paramref name="method"/> <paramref name="url"/>: header <c>typ: dpop+jwt</c>, the key's alg and public
    /// <c>jwk</c>; claims jti (new), htm, htu, iat (<paramref name="iat"/> or now), ath of <paramref name="accessToken"/>
    /// (none when null) and <paramref name="nonce"/> (when given). <paramref name="edit"/> runs last, before signing.
    /// </summary>
    public static string Proof(ProofKey key, string method, string url, string? accessToken, string? nonce = null,
        Action<JwsBuilder>? edit = null, DateTimeOffset? iat = null)
    {
        var builder = new DpopProofBuilder(key, method, url, iat ?? DateTimeOffset.UtcNow, accessToken, nonce);
        edit?.Invoke(builder);
        return builder.Build();
    }
}
