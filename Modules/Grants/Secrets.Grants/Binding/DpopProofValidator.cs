using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Binding;

/// <summary>
/// Checks a DPoP proof presented with a DPoP-bound access token (RFC 9449 §4.3, §7.1; docs/AUTHENTICATION.md#dpop): exactly one
/// <c>DPoP</c> header; a compact JWS no longer than <see cref="DpopOptions.MaxProofLength"/>; <c>typ</c>
/// <c>dpop+jwt</c>; no <c>crit</c>; an allowed asymmetric <c>alg</c>; a public <c>jwk</c> suited to it that
/// verifies the signature; <c>jti</c> (≤ 256 characters), <c>htm</c>, <c>htu</c>, <c>iat</c> within
/// [now − <c>ANTI_REPLAY_TTL_S</c>, now + <see cref="DpopOptions.FutureSkew"/>], <c>ath</c>; the key's
/// thumbprint equal to <c>cnf.jkt</c>; and, when required, a live server nonce. Uniqueness of <c>jti</c> is
/// left to the caller. Pure: no I/O, time from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class DpopProofValidator(DpopOptions options, DpopNonceIssuer nonces, TimeProvider time)
{
    public const int MaxJtiLength = 256;

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    private readonly DpopKeys keys = new();

    public DpopOptions Options => options;

    /// <summary>The imported keys of recent proofs (for tests).</summary>
    internal DpopKeys Keys => keys;

    public DpopProofResult Validate(DpopProofRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.DpopHeaderValues;
        if (values.Count > 1)
            return DpopProofResult.Invalid("more than one DPoP header");
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
            return DpopProofResult.Invalid("the DPoP header is missing");
        var proof = values[0]!;
        if (proof.Length > options.MaxProofLength)
            return DpopProofResult.Invalid("the DPoP proof is too large");

        var parts = proof.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
            return DpopProofResult.Invalid("the DPoP proof is not a compact JWS");
        if (!Base64UrlStrict.TryDecode(parts[0], out var headerBytes)
            || !Base64UrlStrict.TryDecode(parts[1], out var payloadBytes)
            || !Base64UrlStrict.TryDecode(parts[2], out var signature))
            return DpopProofResult.Invalid("the DPoP proof is not base64url");

        using var header = ParseObject(headerBytes);
        using var payload = ParseObject(payloadBytes);
        if (header is null || payload is null)
            return DpopProofResult.Invalid("the DPoP proof header or payload is not a JSON object");

        return Check(request, header.RootElement, payload.RootElement, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature);
    }

    private DpopProofResult Check(DpopProofRequest request, JsonElement header, JsonElement claims, byte[] signingInput, byte[] signature)
    {
        if (String(header, "typ") != "dpop+jwt")
            return DpopProofResult.Invalid("the typ is not dpop+jwt");
        if (header.TryGetProperty("crit", out _))
            return DpopProofResult.Invalid("the proof has critical header parameters");
        var alg = String(header, "alg");
        if (alg is null || !options.Algorithms.Contains(alg, StringComparer.Ordinal) || !DpopAlgorithms.Supported.Contains(alg, StringComparer.Ordinal))
            return DpopProofResult.Invalid("the alg is not an allowed asymmetric algorithm");
        if (!header.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
            return DpopProofResult.Invalid("the proof has no jwk");
        if (JwkThumbprint.HasPrivateMembers(jwk))
            return DpopProofResult.Invalid("the jwk contains a private key");
        if (!JwkThumbprint.TryCompute(jwk, out var thumbprint, out _))
            return DpopProofResult.Invalid("the jwk is not a supported public key");
        if (DpopAlgorithms.Verify(alg, jwk, thumbprint, keys, signingInput, signature) is { } keyOrSignatureFailure)
            return DpopProofResult.Invalid(keyOrSignatureFailure);

        if (String(claims, "jti") is not { Length: > 0 and <= MaxJtiLength } jti)
            return DpopProofResult.Invalid("the jti is missing, empty or longer than 256 characters");
        if (String(claims, "htm") is not { } htm || !string.Equals(htm, request.Method, StringComparison.Ordinal))
            return DpopProofResult.Invalid("the htm does not match the request method");
        var htu = HtuNormalizer.Normalize(String(claims, "htu"));
        if (htu is null || !string.Equals(htu, HtuNormalizer.Normalize(request.RequestUrl), StringComparison.Ordinal))
            return DpopProofResult.Invalid("the htu does not match the request URL");

        if (!TryIssuedAt(claims, out var iat))
            return DpopProofResult.Invalid("the iat is missing or not a number");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (iat < now - options.ReplayWindowSeconds)
            return DpopProofResult.Invalid("the iat is too old");
        if (iat > now + (long)options.FutureSkew.TotalSeconds)
            return DpopProofResult.Invalid("the iat is in the future");

        if (String(claims, "ath") is not { } ath)
            return DpopProofResult.Invalid("the ath is missing");
        if (!AccessTokenHash.Matches(ath, request.AccessToken))
            return DpopProofResult.Invalid("the ath does not match the access token");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(thumbprint), Encoding.ASCII.GetBytes(request.ExpectedThumbprint)))
            return DpopProofResult.KeyMismatch("the proof key does not match the token's cnf.jkt");

        if (request.RequireNonce ?? options.NonceRequired)
        {
            if (!claims.TryGetProperty("nonce", out _))
                return DpopProofResult.NonceNeeded("a DPoP nonce is required");
            if (!nonces.IsValid(String(claims, "nonce")))
                return DpopProofResult.NonceNeeded("the DPoP nonce is invalid or expired");
        }

        return DpopProofResult.Valid(new DpopProof(jti, DateTimeOffset.FromUnixTimeSeconds(iat), thumbprint));
    }

    /// <summary>
    /// The header or payload as a JSON object, or null. The reader accepts strings it cannot turn into text (invalid
    /// UTF-8, an escaped lone surrogate such as <c>"\ud800"</c>) and leaves the failure to whoever reads them later;
    /// such a document is refused here, so that every check after this one reads only well-formed strings.
    /// </summary>
    private static JsonDocument? ParseObject(byte[] utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object && JsonStrings.AreWellFormed(document.RootElement))
            return document;
        document.Dispose();
        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>iat</c> is a NumericDate (RFC 7519 §2): a JSON number of seconds, fractions allowed and dropped.</summary>
    private static bool TryIssuedAt(JsonElement claims, out long iat)
    {
        iat = 0;
        if (!claims.TryGetProperty("iat", out var value) || value.ValueKind != JsonValueKind.Number)
            return false;
        if (value.TryGetInt64(out iat))
            return iat is >= 0 and <= 253_402_300_799;
        if (!value.TryGetDouble(out var seconds) || !double.IsFinite(seconds) || seconds is < 0 or > 253_402_300_799)
            return false;
        iat = (long)Math.Floor(seconds);
        return true;
    }
}
