using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Secrets.Testing.Auth;

/// <summary>
/// Builds a compact JWS (a JWT, a DPoP proof): a JOSE header and claims that start valid, edited per test, then signed.
/// The header's <c>alg</c> and the alg the signature is made with are separate on purpose, so tests can make them differ.
/// </summary>
public class JwsBuilder
{
    /// <summary>Writes "at+jwt" and "dpop+jwt" as real issuers and clients do (the default encoder escapes '+').</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A header of just <c>{"alg": key.Alg}</c> and no claims.</summary>
    public JwsBuilder(ProofKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Alg = key.Alg;
        Header = new() { ["alg"] = key.Alg };
        Claims = [];
    }

    /// <summary>The key that signs (unless <see cref="Signer"/> replaces the signature step).</summary>
    public ProofKey Key { get; set; }
    /// <summary>The alg the signature is made with (the header's <c>alg</c> by default; changing it leaves the header alone).</summary>
    public string Alg { get; set; }
    public Dictionary<string, object> Header { get; }
    public Dictionary<string, object> Claims { get; }
    /// <summary>Replaces the signature step (HS256, none, another key's signature…): signing input in, signature bytes out.</summary>
    public Func<byte[], byte[]>? Signer { get; set; }

    /// <summary>Makes it an unsecured JWS: header <c>alg: none</c> and an empty signature (the token ends with '.').</summary>
    public JwsBuilder AlgNone()
    {
        Header["alg"] = "none";
        Signer = _ => [];
        return this;
    }

    /// <summary>Makes it an HS256 JWS with <paramref name="secret"/> (key confusion: e.g. <see cref="ProofKey.PublicKeyBytes"/>).</summary>
    public JwsBuilder Hs256(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = secret.ToArray();
        Header["alg"] = "HS256";
        Signer = input => HMACSHA256.HashData(key, input);
        return this;
    }

    /// <summary>The compact serialisation: base64url(header) '.' base64url(claims) '.' base64url(signature).</summary>
    public string Build()
    {
        var head = Jose.Base64Url(JsonSerializer.SerializeToUtf8Bytes(Header, Json));
        var body = Jose.Base64Url(JsonSerializer.SerializeToUtf8Bytes(Claims, Json));
        var input = Encoding.ASCII.GetBytes(head + "." + body);
        var signature = Signer is { } signer ? signer(input) : Key.Sign(Alg, input);
        return head + "." + body + "." + Jose.Base64Url(signature);
    }
}
