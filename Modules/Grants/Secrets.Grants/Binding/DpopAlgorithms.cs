using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;

namespace Secrets.Grants.Binding;

/// <summary>
/// The asymmetric JWS algorithms a DPoP proof may use (RFC 9449 §4.2, RFC 7518 §3, RFC 8037 §3.1) and the
/// check that a proof's <c>jwk</c> suits its <c>alg</c> and verifies its signature. ECDSA and RSA use
/// System.Security.Cryptography, with the imported key taken from <see cref="DpopKeys"/> by the jwk's
/// thumbprint (importing a P-256 key costs more than verifying with it); Ed25519 uses NSec (libsodium).
/// </summary>
internal static class DpopAlgorithms
{
    public static readonly IReadOnlyList<string> Supported =
        ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA"];

    /// <summary>RSA keys smaller than this are refused (NIST SP 800-57; RFC 7518 §3.3 asks for 2048).</summary>
    public const int MinRsaBits = 2048;

    /// <summary>Larger RSA keys are refused too: verifying with them costs more than any client needs.</summary>
    public const int MaxRsaBits = 8192;

    /// <summary>Null when <paramref name="signature"/> over <paramref name="signingInput"/> verifies with <paramref name="jwk"/> under <paramref name="alg"/>; else why not.</summary>
    public static string? Verify(string alg, JsonElement jwk, string thumbprint, DpopKeys keys, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature) =>
        alg switch
        {
            "ES256" => VerifyEcdsa(jwk, thumbprint, keys, "P-256", ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256, signingInput, signature),
            "ES384" => VerifyEcdsa(jwk, thumbprint, keys, "P-384", ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384, signingInput, signature),
            "ES512" => VerifyEcdsa(jwk, thumbprint, keys, "P-521", ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512, signingInput, signature),
            "RS256" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, signingInput, signature),
            "RS384" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1, signingInput, signature),
            "RS512" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1, signingInput, signature),
            "PS256" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA256, RSASignaturePadding.Pss, signingInput, signature),
            "PS384" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA384, RSASignaturePadding.Pss, signingInput, signature),
            "PS512" => VerifyRsa(jwk, thumbprint, keys, HashAlgorithmName.SHA512, RSASignaturePadding.Pss, signingInput, signature),
            "EdDSA" => VerifyEd25519(jwk, signingInput, signature),
            _ => "the alg is not supported",
        };

    private static string? VerifyEcdsa(JsonElement jwk, string thumbprint, DpopKeys keys, string crv, ECCurve curve, int size, HashAlgorithmName hash,
        ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (Member(jwk, "kty") != "EC")
            return "the jwk key type does not match the alg";
        if (Member(jwk, "crv") != crv)
            return "the jwk curve does not match the alg";
        if (!TryBytes(jwk, "x", out var x) || !TryBytes(jwk, "y", out var y) || x.Length != size || y.Length != size)
            return "the jwk is not a valid EC public key";
        if (keys.Rent(thumbprint, () => ImportEcdsa(curve, x, y)) is not ECDsa ecdsa)
            return "the jwk is not a valid EC public key";
        try
        {
            return signature.Length == 2 * size
                   && ecdsa.VerifyData(signingInput, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                ? null
                : "the signature does not verify";
        }
        finally
        {
            keys.Return(thumbprint, ecdsa);
        }
    }

    private static ECDsa? ImportEcdsa(ECCurve curve, byte[] x, byte[] y)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportParameters(new ECParameters { Curve = curve, Q = new ECPoint { X = x, Y = y } });
            return ecdsa;
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            return null;
        }
    }

    private static string? VerifyRsa(JsonElement jwk, string thumbprint, DpopKeys keys, HashAlgorithmName hash, RSASignaturePadding padding,
        ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (Member(jwk, "kty") != "RSA")
            return "the jwk key type does not match the alg";
        if (!TryBytes(jwk, "n", out var n) || !TryBytes(jwk, "e", out var e) || e.Length is 0 or > 8 || n.Length == 0 || n[0] == 0)
            return "the jwk is not a valid RSA public key";
        var bits = (n.Length * 8) - (int)byte.LeadingZeroCount(n[0]);
        if (bits < MinRsaBits)
            return "the RSA key is smaller than 2048 bits";
        if (bits > MaxRsaBits)
            return "the RSA key is larger than 8192 bits";
        if (keys.Rent(thumbprint, () => ImportRsa(n, e)) is not RSA rsa)
            return "the jwk is not a valid RSA public key";
        try
        {
            return signature.Length == n.Length && rsa.VerifyData(signingInput, signature, hash, padding)
                ? null
                : "the signature does not verify";
        }
        finally
        {
            keys.Return(thumbprint, rsa);
        }
    }

    private static RSA? ImportRsa(byte[] n, byte[] e)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }

    private static string? VerifyEd25519(JsonElement jwk, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (Member(jwk, "kty") != "OKP")
            return "the jwk key type does not match the alg";
        if (Member(jwk, "crv") != "Ed25519")
            return "the jwk curve does not match the alg";
        var ed25519 = SignatureAlgorithm.Ed25519;
        if (!TryBytes(jwk, "x", out var x) || x.Length != ed25519.PublicKeySize
            || !PublicKey.TryImport(ed25519, x, KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
            return "the jwk is not a valid Ed25519 public key";
        return signature.Length == ed25519.SignatureSize && ed25519.Verify(publicKey, signingInput, signature)
            ? null
            : "the signature does not verify";
    }

    private static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryBytes(JsonElement jwk, string name, out byte[] bytes)
    {
        bytes = [];
        return Member(jwk, name) is { } text && Base64UrlStrict.TryDecode(text, out bytes);
    }
}
