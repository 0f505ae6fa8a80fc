using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Auth;

/// <summary>
/// Shared pieces of the DPoP tests over HTTP (TestServer: the request URL, hence the <c>htu</c>, is
/// <c>http://localhost/&lt;path&gt;</c>): requests with a DPoP-bound token and proofs, and the checks of a
/// refusal (status, problem code, the DPoP challenge with its <c>error</c> and <c>algs</c>).
/// </summary>
internal static class DpopKit
{
    public const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";
    public const string OtherValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23OTHER";
    public const string ValueHtu = "http://localhost/api/secrets/value";
    public const string WriteHtu = "http://localhost/api/secrets";
    public const string AllAlgs = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA";

    /// <summary>Permits everything on the test mounts, with grants of five uses (so grants are reused and the token guard applies).</summary>
    public const string PermitFiveUses = """
        version: 1
        rules:
          - id: dpop-tests-permit
            resources:
              - "yaml://secret/*"
              - "openbao+kv2://secret/*"
            purposes: ["*"]
            obligations:
              max_uses: 5
        """;

    public static HttpRequestMessage Request(HttpMethod method, string path, string scheme, string token, params string[] proofs)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
        foreach (var proof in proofs)
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        return request;
    }

    /// <summary>GET <paramref name="path"/> with a DPoP-bound <paramref name="token"/> and a fresh, valid proof of <paramref name="key"/>.</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, ProofKey key, string token, string path = ValuePath,
        string htu = ValueHtu, string? nonce = null, Action<JwsBuilder>? edit = null)
    {
        var proof = DpopProofs.Proof(key, "GET", htu, token, nonce, edit);
        return client.SendAsync(Request(HttpMethod.Get, path, "DPoP", token, proof));
    }

    public static HttpClient BearerClient(SecretsHostFactory host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The audit buffer (dev profile), read with a fresh plain bearer token of another subject.</summary>
    public static async Task<IReadOnlyList<JsonNode>> AuditAsync(SecretsHostFactory host, TestIssuer issuer, string query)
    {
        using var client = BearerClient(host, issuer.Token(b => b.Claims["sub"] = "auditor-" + Guid.NewGuid().ToString("N")));
        return await AuditProbe.EventsAsync(client, query);
    }

    /// <summary>The one <c>WWW-Authenticate</c> challenge in <paramref name="scheme"/>.</summary>
    public static string Challenge(HttpResponseMessage response, string scheme = "DPoP")
    {
        var all = response.Headers.TryGetValues("WWW-Authenticate", out var values) ? values.ToList() : [];
        var matching = all.Where(v => v == scheme || v.StartsWith(scheme + " ", StringComparison.Ordinal)).ToList();
        matching.Count.ShouldBe(1, $"WWW-Authenticate: {string.Join(" | ", all)}");
        return matching[0];
    }

    /// <summary>
    /// 401 with <paramref name="code"/> and a DPoP challenge <c>error="<paramref name="error"/>"</c> carrying <c>algs</c>;
    /// returns the challenge.
    /// </summary>
    public static async Task<string> ShouldBeDpopRefusalAsync(this HttpResponseMessage response, string code, string error, string algs = AllAlgs)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, code);
        var challenge = Challenge(response);
        challenge.ShouldContain($"error=\"{error}\"");
        challenge.ShouldContain("error_description=\"");
        challenge.ShouldContain($"algs=\"{algs}\"");
        return challenge;
    }

    public static string Base64UrlJson(JsonNode node) => Jose.Base64Url(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
}
