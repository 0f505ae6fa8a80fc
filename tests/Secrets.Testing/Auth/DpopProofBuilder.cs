namespace Secrets.Testing.Auth;

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
