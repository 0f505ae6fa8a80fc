using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Dpop;

/// <summary>
/// Makes DPoP proofs (RFC 9449 §4.2): a JWS of type <c>dpop+jwt</c> with the public key in its header and the claims
/// <c>jti</c> (fresh per proof), <c>htm</c>, <c>htu</c> (the target URI without query and fragment), <c>iat</c>,
/// <c>ath</c> (the access token's SHA-256, base64url) and the server's <c>nonce</c> once it asked for one.
/// </summary>
public sealed class DpopProofFactory(DpopKey key, TimeProvider? time = null)
{
    private readonly TimeProvider time = time ?? TimeProvider.System;

    public DpopKey Key { get; } = key ?? throw new ArgumentNullException(nameof(key));

    public string Create(HttpMethod method, Uri target, string? accessToken, string? nonce)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("typ", "dpop+jwt");
            json.WriteString("alg", Key.Algorithm);
            json.WriteStartObject("jwk");
            foreach (var (name, value) in Key.PublicJwk)
                json.WriteString(name, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        using var claims = new MemoryStream();
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteString("jti", Base64Url.Encode(RandomNumberGenerator.GetBytes(16)));
            json.WriteString("htm", method.Method);
            json.WriteString("htu", Htu(target));
            json.WriteNumber("iat", time.GetUtcNow().ToUnixTimeSeconds());
            if (accessToken is not null)
                json.WriteString("ath", Ath(accessToken));
            if (nonce is not null)
                json.WriteString("nonce", nonce);
            json.WriteEndObject();
        }
        var signingInput = Base64Url.Encode(header.ToArray()) + "." + Base64Url.Encode(claims.ToArray());
        return signingInput + "." + Base64Url.Encode(Key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>The <c>htu</c> claim: scheme, authority and path of the request, no query or fragment.</summary>
    public static string Htu(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    /// <summary>The <c>ath</c> claim: base64url of the SHA-256 of the access token's ASCII bytes.</summary>
    public static string Ath(string accessToken) => Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
}
