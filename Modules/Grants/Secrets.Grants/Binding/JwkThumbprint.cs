using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Grants.Binding;

/// <summary>
/// JWK SHA-256 thumbprints (RFC 7638), the value of <c>cnf.jkt</c> (RFC 9449 §6.1): the SHA-256 of the
/// canonical JSON of the key's required public members (RFC 7638 §3.2), in lexicographic order and without
/// whitespace, base64url-encoded. Only public <c>RSA</c>, <c>EC</c> and <c>OKP</c> keys have one here.
/// </summary>
internal static class JwkThumbprint
{
    /// <summary>Members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).</summary>
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>The thumbprint of a public JWK; throws <see cref="ArgumentException"/> (naming no key material) for anything else.</summary>
    public static string Compute(JsonElement jwk) =>
        TryCompute(jwk, out var thumbprint, out var reason) ? thumbprint : throw new ArgumentException(reason, nameof(jwk));

    public static bool TryCompute(JsonElement jwk, out string thumbprint, out string reason)
    {
        thumbprint = "";
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            reason = "the jwk is not a JSON object";
            return false;
        }
        if (HasPrivateMembers(jwk))
        {
            reason = "the jwk contains private key members";
            return false;
        }
        string[]? required = Kty(jwk) switch
        {
            "RSA" => ["e", "kty", "n"],
            "EC" => ["crv", "kty", "x", "y"],
            "OKP" => ["crv", "kty", "x"],
            _ => null,
        };
        if (required is null)
        {
            reason = "the jwk has a missing or unsupported kty";
            return false;
        }

        var canonical = new StringBuilder("{");
        foreach (var name in required)
        {
            if (!jwk.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String
                || value.GetString() is not { Length: > 0 } text || !IsPlainToken(text))
            {
                reason = $"the jwk member '{name}' is missing or not a base64url string";
                return false;
            }
            if (canonical.Length > 1)
                canonical.Append(',');
            canonical.Append('"').Append(name).Append("\":\"").Append(text).Append('"');
        }
        canonical.Append('}');

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()), digest);
        thumbprint = Base64UrlStrict.Encode(digest);
        reason = "";
        return true;
    }

    public static bool HasPrivateMembers(JsonElement jwk) =>
        PrivateMembers.Any(name => jwk.TryGetProperty(name, out _));

    private static string? Kty(JsonElement jwk) =>
        jwk.TryGetProperty("kty", out var kty) && kty.ValueKind == JsonValueKind.String ? kty.GetString() : null;

    /// <summary>Required members are base64url or short names ("P-256", "Ed25519"), which need no JSON escaping.</summary>
    private static bool IsPlainToken(string text)
    {
        foreach (var c in text)
        {
            if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
                return false;
        }
        return true;
    }
}
