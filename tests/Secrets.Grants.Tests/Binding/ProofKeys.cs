using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>A client's DPoP key in a test: its public JWK, its private members, and how it signs under an alg.</summary>
internal sealed class ProofKey : IDisposable
{
    private readonly Func<string, byte[], byte[]> _sign;
    private readonly IDisposable _key;

    private ProofKey(string alg, Dictionary<string, object> publicJwk, Dictionary<string, string> privateMembers, Func<string, byte[], byte[]> sign, IDisposable key)
    {
        Alg = alg;
        PublicJwk = publicJwk;
        PrivateMembers = privateMembers;
        _sign = sign;
        _key = key;
    }

    public string Alg { get; }
    public Dictionary<string, object> PublicJwk { get; }
    public Dictionary<string, string> PrivateMembers { get; }
    public string Thumbprint => JwkThumbprint.Compute(JsonSerializer.SerializeToElement(PublicJwk));

    /// <summary>Signs as <paramref name="alg"/> would with this key (even when the alg does not suit it).</summary>
    public byte[] Sign(string alg, byte[] input) => _sign(alg, input);

    public static ProofKey Ec(string alg = "ES256", ECCurve? curve = null)
    {
        var ecdsa = ECDsa.Create(curve ?? alg switch
        {
            "ES384" => ECCurve.NamedCurves.nistP384,
            "ES512" => ECCurve.NamedCurves.nistP521,
            _ => ECCurve.NamedCurves.nistP256,
        });
        var p = ecdsa.ExportParameters(includePrivateParameters: true);
        var crv = p.Q.X!.Length switch { 32 => "P-256", 48 => "P-384", _ => "P-521" };
        return new(alg,
            new() { ["kty"] = "EC", ["crv"] = crv, ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) },
            new() { ["d"] = B64(p.D!) },
            (a, input) => ecdsa.SignData(input, Hash(a), DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            ecdsa);
    }

    public static ProofKey Rsa(string alg = "RS256", int bits = 2048)
    {
        var rsa = System.Security.Cryptography.RSA.Create(bits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        return new(alg,
            new() { ["kty"] = "RSA", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) },
            new() { ["d"] = B64(p.D!), ["p"] = B64(p.P!), ["q"] = B64(p.Q!), ["dp"] = B64(p.DP!), ["dq"] = B64(p.DQ!), ["qi"] = B64(p.InverseQ!) },
            (a, input) => rsa.SignData(input, Hash(a), a.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            rsa);
    }

    public static ProofKey Ed25519()
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        var key = Key.Create(algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        return new("EdDSA",
            new() { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = B64(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)) },
            new() { ["d"] = B64(seed) },
            (_, input) => algorithm.Sign(key, input),
            key);
    }

    /// <summary>The public JWK's JSON, as an HS256 (key confusion) attacker would use it for a secret.</summary>
    public byte[] PublicKeyBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(PublicJwk));

    public void Dispose() => _key.Dispose();

    public static string B64(byte[] bytes) => Base64UrlStrict.Encode(bytes);

    private static HashAlgorithmName Hash(string alg) => alg[^3..] switch
    {
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}

/// <summary>Builds a DPoP proof: a JOSE header and claims that start valid, edited per test, then signed.</summary>
internal sealed class ProofBuilder
{
    public ProofBuilder(ProofKey key, string method, string url, DateTimeOffset now, string accessToken)
    {
        Key = key;
        Alg = key.Alg;
        Header = new() { ["typ"] = "dpop+jwt", ["alg"] = key.Alg, ["jwk"] = key.PublicJwk };
        Claims = new()
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["htm"] = method,
            ["htu"] = url,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["ath"] = AccessTokenHash.Of(accessToken),
        };
    }

    public ProofKey Key { get; set; }
    /// <summary>The alg the signature is made with (the header's <c>alg</c> by default).</summary>
    public string Alg { get; set; }
    public Dictionary<string, object> Header { get; }
    public Dictionary<string, object> Claims { get; }
    /// <summary>Replaces the signature step (HS256, none, another key's signature…).</summary>
    public Func<byte[], byte[]>? Signer { get; set; }

    public string Build()
    {
        var head = Base64UrlStrict.Encode(JsonSerializer.SerializeToUtf8Bytes(Header));
        var body = Base64UrlStrict.Encode(JsonSerializer.SerializeToUtf8Bytes(Claims));
        var input = Encoding.ASCII.GetBytes(head + "." + body);
        var signature = Signer is { } signer ? signer(input) : Key.Sign(Alg, input);
        return head + "." + body + "." + Base64UrlStrict.Encode(signature);
    }
}
