using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Testing.Auth;

/// <summary>
/// The JOSE encodings a test compares the service against, written here on purpose and not borrowed from the product:
/// base64url without padding (RFC 7515 §2), the JWK SHA-256 thumbprint (RFC 7638) and the DPoP <c>ath</c> (RFC 9449 §4.2);
/// and the edits of a signed compact JWS that break it.
/// </summary>
public static class Jose
{
    /// <summary>base64url of <paramref name="bytes"/>: the URL-safe alphabet, no padding.</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The bytes of unpadded base64url <paramref name="text"/>; throws <see cref="FormatException"/> if it is not.</summary>
    public static byte[] FromBase64Url(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('=', StringComparison.Ordinal) || text.Contains('+', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
            throw new FormatException("not unpadded base64url");
        var standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '='));
    }

    /// <summary>The DPoP <c>ath</c> of an access token: base64url(SHA-256(ASCII(token))).</summary>
    public static string Ath(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
    }

    /// <summary>The RFC 7638 thumbprint of a public JWK given as JSON (members beyond the required ones are ignored).</summary>
    public static string Thumbprint(string jwkJson)
    {
        using var jwk = JsonDocument.Parse(jwkJson);
        var members = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var member in jwk.RootElement.EnumerateObject())
            members[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
        return Thumbprint(members);
    }

    /// <summary>
    /// The RFC 7638 thumbprint of a public JWK: SHA-256 over the JSON object of the required members of its <c>kty</c>
    /// (§3.2: RSA e, kty, n; EC crv, kty, x, y; OKP crv, kty, x, RFC 8037 §2), sorted by name, without whitespace.
    /// </summary>
    public static string Thumbprint(IReadOnlyDictionary<string, object> jwk)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        var kty = jwk.TryGetValue("kty", out var value) ? value as string : null;
        string[] required = kty switch
        {
            "RSA" => ["e", "kty", "n"],
            "EC" => ["crv", "kty", "x", "y"],
            "OKP" => ["crv", "kty", "x"],
            _ => throw new ArgumentException($"no RFC 7638 thumbprint for kty '{kty}'", nameof(jwk)),
        };
        var canonical = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(canonical))
        {
            writer.WriteStartObject();
            foreach (var name in required.Order(StringComparer.Ordinal))
            {
                if (!jwk.TryGetValue(name, out var member) || member is not string text)
                    throw new ArgumentException($"the jwk has no string member '{name}'", nameof(jwk));
                writer.WriteString(name, text);
            }
            writer.WriteEndObject();
        }
        return Base64Url(SHA256.HashData(canonical.WrittenSpan));
    }

    /// <summary>base64url of the UTF-8 JSON of <paramref name="node"/>, as a JWS segment.</summary>
    public static string Base64UrlJson(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Base64Url(Encoding.UTF8.GetBytes(node.ToJsonString()));
    }

    /// <summary>The compact JWS with its payload replaced by <paramref name="edit"/> of it, the original signature kept.</summary>
    public static string WithPayloadEdited(string jws, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(jws);
        ArgumentNullException.ThrowIfNull(edit);
        var parts = jws.Split('.');
        var payload = JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject();
        edit(payload);
        return parts[0] + "." + Base64UrlJson(payload) + "." + parts[2];
    }

    /// <summary>The compact JWS with the first character of its signature changed.</summary>
    public static string WithSignatureTampered(string jws)
    {
        ArgumentNullException.ThrowIfNull(jws);
        var dot = jws.LastIndexOf('.');
        var first = jws[dot + 1];
        return jws[..(dot + 1)] + (first == 'A' ? 'B' : 'A') + jws[(dot + 2)..];
    }
}
