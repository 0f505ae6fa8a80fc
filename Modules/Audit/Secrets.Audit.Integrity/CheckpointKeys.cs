using System.Text.Json;

namespace Secrets.Audit.Integrity;

/// <summary>
/// The public keys <c>verify-audit</c> trusts: JWK Sets (as <c>GET /api/secrets/audit/keys</c> serves
/// them) from files or URLs. Only OKP Ed25519 keys count, each under its own RFC 7638 thumbprint, whatever
/// <c>kid</c> the set gives it.
/// </summary>
internal static class CheckpointKeys
{
    public static async Task<Dictionary<string, string>> LoadAsync(IEnumerable<string> sources, HttpClient http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(http);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var json = Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? await http.GetStringAsync(url, ct)
                : await File.ReadAllTextAsync(source, ct);
            foreach (var (kid, x) in Read(json))
                keys[kid] = x;
        }
        return keys;
    }

    public static IEnumerable<(string Kid, string X)> Read(string jwks)
    {
        using var document = JsonDocument.Parse(jwks);
        if (!document.RootElement.TryGetProperty("keys", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("a JWK Set needs a keys array");
        var found = new List<(string, string)>();
        foreach (var jwk in list.EnumerateArray())
        {
            if (jwk.ValueKind == JsonValueKind.Object && Member(jwk, "kty") == "OKP" && Member(jwk, "crv") == "Ed25519" && Member(jwk, "x") is { } x)
                found.Add((AuditSigningKey.Thumbprint(x), x));
        }
        return found;
    }

    private static string? Member(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
