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

/// <summary>A <see cref="JwsBuilder"/> that starts as a valid DPoP proof (see <see cref="DpopProofs.Proof"/>).</summary>
public sealed class DpopProofBuilder : JwsBuilder
{
    public DpopProofBuilder(ProofKey key, string method, string url, DateTimeOffset iat, string? accessToken, string? nonce = null)
        : base(key)
    {
        Header["typ"] = "dpop+jwt";
        Header["jwk"] = new Dictionary<string, object>(key.PublicJwk);
        Claims["jti"] = Guid.NewGuid().ToString();
        Claims["htm"] = method;
        Claims["htu"] = url;
        Claims["iat"] = iat.ToUnixTimeSeconds();
        if (accessToken is not null)
            Claims["ath"] = Jose.Ath(accessToken);
        if (nonce is not null)
            Claims["nonce"] = nonce;
    }
}
