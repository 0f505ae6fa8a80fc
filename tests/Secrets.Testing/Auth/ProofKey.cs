using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Secrets.Testing.Auth;

/// <summary>
/// A key in a test (a client's DPoP key, an issuer's signing key): its public JWK, its private members, and how it
/// signs under an alg. EC P-256/384/521 (ES256/384/512), RSA of any size (RS*, PS*), Ed25519 (EdDSA, via NSec).
/// </summary>
public sealed class ProofKey : IDisposable
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

    /// <summary>The alg this key signs with by default: ES256/384/512, RS256 or another RSA alg, EdDSA.</summary>
    public string Alg { get; }
    /// <summary>The public JWK (kty and its public members only); a copy is what goes into a header or a JWKS.</summary>
    public Dictionary<string, object> PublicJwk { get; }
    /// <summary>The private JWK members (d; for RSA also p, q, dp, dq, qi), to build a JWK a client must never send.</summary>
    public Dictionary<string, string> PrivateMembers { get; }
    /// <summary>The RFC 7638 thumbprint of <see cref="PublicJwk"/> (the kit's own implementation, <see cref="Jose.Thumbprint(IReadOnlyDictionary{string, object})"/>).</summary>
    public string Thumbprint => Jose.Thumbprint(PublicJwk);

    /// <summary>Signs as <paramref name="alg"/> would with this key (even when the alg does not suit it).</summary>
    public byte[] Sign(string alg, byte[] input) => _sign(alg, input);

    /// <summary>A new EC key on the curve of <paramref name="alg"/> (or <paramref name="curve"/>, to mismatch them).</summary>
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
            new() { ["kty"] = "EC", ["crv"] = crv, ["x"] = Jose.Base64Url(p.Q.X!), ["y"] = Jose.Base64Url(p.Q.Y!) },
            new() { ["d"] = Jose.Base64Url(p.D!) },
            (a, input) => ecdsa.SignData(input, Hash(a), DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            ecdsa);
    }

    /// <summary>A new RSA key of <paramref name="bits"/>; PS* algs sign with PSS, the others with PKCS #1 v1.5.</summary>
    public static ProofKey Rsa(string alg = "RS256", int bits = 2048)
    {
        var rsa = System.Security.Cryptography.RSA.Create(bits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        return new(alg,
            new() { ["kty"] = "RSA", ["n"] = Jose.Base64Url(p.Modulus!), ["e"] = Jose.Base64Url(p.Exponent!) },
            new() { ["d"] = Jose.Base64Url(p.D!), ["p"] = Jose.Base64Url(p.P!), ["q"] = Jose.Base64Url(p.Q!), ["dp"] = Jose.Base64Url(p.DP!), ["dq"] = Jose.Base64Url(p.DQ!), ["qi"] = Jose.Base64Url(p.InverseQ!) },
            (a, input) => rsa.SignData(input, Hash(a), a.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            rsa);
    }

    /// <summary>A new Ed25519 key (alg EdDSA).</summary>
    public static ProofKey Ed25519()
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        var key = Key.Create(algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        return new("EdDSA",
            new() { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Jose.Base64Url(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)) },
            new() { ["d"] = Jose.Base64Url(seed) },
            (_, input) => algorithm.Sign(key, input),
            key);
    }

    /// <summary>The public JWK's JSON, as an HS256 (key confusion) attacker would use it for a secret.</summary>
    public byte[] PublicKeyBytes() => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(PublicJwk));

    public void Dispose() => _key.Dispose();

    private static HashAlgorithmName Hash(string alg) => alg[^3..] switch
    {
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}
