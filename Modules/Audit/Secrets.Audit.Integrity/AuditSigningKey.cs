using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Secrets.Audit.Integrity;

/// <summary>
/// The node's Ed25519 key for audit checkpoints (NSec). Its key id (<c>kid</c>) is the key's RFC 7638
/// JWK thumbprint: base64url(SHA-256(<c>{"crv":"Ed25519","kty":"OKP","x":"…"}</c>)), so a verifier
/// derives it from the public key alone.
/// </summary>
internal sealed class AuditSigningKey : IDisposable
{
    public const int SeedBytes = 32;

    private readonly Key key;

    private AuditSigningKey(Key key)
    {
        this.key = key;
        X = Base64Url.EncodeToString(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        Kid = Thumbprint(X);
    }

    /// <summary>A new key, never exportable: the dev and test key of one start.</summary>
    public static AuditSigningKey Generate() => new(Key.Create(SignatureAlgorithm.Ed25519));

    /// <summary>The key of a raw 32-byte Ed25519 seed (RFC 8032 private key).</summary>
    public static AuditSigningKey FromSeed(ReadOnlySpan<byte> seed) => seed.Length == SeedBytes
        ? new(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey))
        : throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));

    /// <summary>The key of a base64 (or base64url) 32-byte seed; the message never repeats the input.</summary>
    public static AuditSigningKey FromBase64Seed(string seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var text = seed.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var bytes = new byte[SeedBytes + 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || written != SeedBytes)
            throw new InvalidOperationException("the audit signing key must be a base64 32-byte Ed25519 seed");
        try
        {
            return FromSeed(bytes.AsSpan(0, SeedBytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>The public key, base64url: the JWK's <c>x</c>.</summary>
    public string X { get; }

    public string Kid { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(key, data);

    /// <summary>The RFC 7638 thumbprint of the OKP Ed25519 JWK with public key <paramref name="x"/> (base64url).</summary>
    public static string Thumbprint(string x) =>
        AuditChain.Hash(Encoding.UTF8.GetBytes("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}"));

    /// <summary>Whether <paramref name="signature"/> is the Ed25519 signature of <paramref name="data"/> by the public key <paramref name="x"/>.</summary>
    public static bool Verify(string x, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> raw = stackalloc byte[SeedBytes];
        if (!Base64Url.IsValid(x, out var decoded) || decoded != SeedBytes || !Base64Url.TryDecodeFromChars(x, raw, out var length) || length != SeedBytes)
            return false;
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null)
            return false;
        return SignatureAlgorithm.Ed25519.Verify(publicKey, data, signature);
    }

    public void Dispose() => key.Dispose();
}
