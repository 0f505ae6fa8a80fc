using System.Security.Cryptography;
using NSec.Cryptography;

namespace Secrets.Client.Dpop;

/// <summary>
/// The client's DPoP key (RFC 9449): ES256 (P-256) or Ed25519 (<c>EdDSA</c>). It signs proofs and gives its public JWK
/// for the proof header; the private key never leaves it. Make one per process (or load one) and keep it: the
/// service binds grants to its thumbprint.
/// </summary>
public abstract class DpopKey : IDisposable
{
    /// <summary>The JWS <c>alg</c>: <c>ES256</c> or <c>EdDSA</c>.</summary>
    public abstract string Algorithm { get; }

    /// <summary>The public JWK members, in the order RFC 7638 sorts them for the thumbprint.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> PublicJwk { get; }

    public abstract byte[] Sign(ReadOnlySpan<byte> input);

    /// <summary>The RFC 7638 SHA-256 thumbprint of the public JWK, base64url: what the service calls the key's <c>jkt</c>.</summary>
    public string Thumbprint()
    {
        var json = "{" + string.Join(",", PublicJwk.Select(m => $"\"{m.Key}\":\"{m.Value}\"")) + "}";
        return Base64Url.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>A new ES256 key on P-256.</summary>
    public static DpopKey CreateEs256() => new Es256Key(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>An ES256 key from an existing P-256 <see cref="ECDsa"/> (e.g. loaded from PEM); the key is owned from then on.</summary>
    public static DpopKey FromEcdsa(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new Es256Key(key);
    }

    /// <summary>A new Ed25519 key.</summary>
    public static DpopKey CreateEd25519() =>
        new Ed25519Key(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }));

    /// <summary>An Ed25519 key from its 32-byte private seed.</summary>
    public static DpopKey FromEd25519Seed(ReadOnlySpan<byte> seed) =>
        new Ed25519Key(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey));

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class Es256Key : DpopKey
    {
        private readonly ECDsa key;

        public Es256Key(ECDsa key)
        {
            var parameters = key.ExportParameters(false);
            if (parameters.Q.X is not { Length: 32 } || parameters.Curve.Oid?.Value != "1.2.840.10045.3.1.7")
                throw new ArgumentException("an ES256 DPoP key is a P-256 key", nameof(key));
            this.key = key;
            PublicJwk =
            [
                new("crv", "P-256"),
                new("kty", "EC"),
                new("x", Base64Url.Encode(parameters.Q.X!)),
                new("y", Base64Url.Encode(parameters.Q.Y!)),
            ];
        }

        public override string Algorithm => "ES256";

        public override IReadOnlyList<KeyValuePair<string, string>> PublicJwk { get; }

        public override byte[] Sign(ReadOnlySpan<byte> input) => key.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                key.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class Ed25519Key(Key key) : DpopKey
    {
        public override string Algorithm => "EdDSA";

        public override IReadOnlyList<KeyValuePair<string, string>> PublicJwk { get; } =
        [
            new("crv", "Ed25519"),
            new("kty", "OKP"),
            new("x", Base64Url.Encode(key.PublicKey.Export(KeyBlobFormat.RawPublicKey))),
        ];

        public override byte[] Sign(ReadOnlySpan<byte> input) => SignatureAlgorithm.Ed25519.Sign(key, input);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                key.Dispose();
            base.Dispose(disposing);
        }
    }
}
