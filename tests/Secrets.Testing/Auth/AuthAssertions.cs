using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Auth;

/// <summary>What the bearer tests share: the secret they read, how they send a raw Authorization header, and the challenge checks.</summary>
internal static class BearerKit
{
    public const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";
    public const string Value = "dev-api-key";
    public const string DpopAlgs = "ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA";
    public const string MissingOrMalformed = "the access token is missing or malformed";

    /// <summary>Every fixed sentence an invalid_token challenge may carry (CallerAuthentication, TokenClaims): never library text.</summary>
    public static readonly string[] FixedDescriptions =
    [
        MissingOrMalformed,
        "the token has expired",
        "the token is not valid yet",
        "the token has no exp",
        "the token's issuer is not accepted",
        "the token's audience does not include this service",
        "the token's alg is not allowed",
        "the token's typ is not at+jwt or JWT",
        "the token is not signed by a known key",
        "the token's signature is invalid",
        "the token is malformed",
        "the token is not valid",
        "the token names no subject (sub) or client",
        "the token's cnf is not an object",
        "the token's cnf must carry exactly one of jkt and x5t#S256",
    ];

    /// <summary>GET <paramref name="path"/> with the Authorization header values given as is (none, one or several).</summary>
    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, params string[] authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization.Length > 0)
            request.Headers.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetValueAsync(HttpClient client, params string[] authorization) =>
        GetAsync(client, ValuePath, authorization);

    public static Task<HttpResponseMessage> ReadWithTokenAsync(HttpClient client, string token) =>
        GetValueAsync(client, "Bearer " + token);

    /// <summary>The WWW-Authenticate values exactly as sent, one per header line.</summary>
    public static string[] Challenges(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? [.. values] : [];

    /// <summary>
    /// 401 INVALID_TOKEN with one challenge <c>Bearer error="invalid_token", error_description="…"</c>, the description
    /// one of the fixed sentences (exactly <paramref name="description"/> when given) and the body's detail the same text.
    /// </summary>
    public static async Task<string> ShouldBeInvalidTokenAsync(this HttpResponseMessage response, string? description = null)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        return CheckChallenge(response, body, "invalid_token", description);
    }

    /// <summary>400 INVALID_REQUEST with one challenge <c>Bearer error="invalid_request", error_description="…"</c>.</summary>
    public static async Task<string> ShouldBeInvalidRequestAsync(this HttpResponseMessage response, string description)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        return CheckChallenge(response, body, "invalid_request", description);
    }

    private static string CheckChallenge(HttpResponseMessage response, JsonNode body, string error, string? description)
    {
        var challenge = Challenges(response).ShouldHaveSingleItem();
        var prefix = $"Bearer error=\"{error}\", error_description=\"";
        challenge.ShouldStartWith(prefix, Case.Sensitive);
        challenge.ShouldEndWith("\"", Case.Sensitive);
        var described = challenge[prefix.Length..^1];
        if (description is not null)
            described.ShouldBe(description);
        else if (error == "invalid_token")
            FixedDescriptions.ShouldContain(described);
        body["detail"]!.GetValue<string>().ShouldBe(described);
        return described;
    }

    public static async Task ShouldReadTheValueAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        text.ShouldContain(Value);
    }

    public static long Now(TestIssuer issuer) => issuer.Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>The token with its payload replaced by <paramref name="edit"/> of it, the original signature kept.</summary>
    public static string WithPayloadEdited(string token, Action<JsonObject> edit)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Jose.FromBase64Url(parts[1]))!.AsObject();
        edit(payload);
        return parts[0] + "." + Jose.Base64Url(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
    }

    /// <summary>The token with the first character of its signature changed.</summary>
    public static string WithSignatureTampered(string token)
    {
        var dot = token.LastIndexOf('.');
        var first = token[dot + 1];
        return token[..(dot + 1)] + (first == 'A' ? 'B' : 'A') + token[(dot + 2)..];
    }
}

/// <summary>A test issuer and a host that trusts it with SECRETS_API_REQUIRE_AUTH=true (dev profile otherwise), shared by a class.</summary>
public sealed class BearerHostFixture : IDisposable
{
    public BearerHostFixture()
    {
        Host = new SecretsHostFactory(SecretsHostFactory.Trusting(Issuer, ("SECRETS_API_REQUIRE_AUTH", "true")));
        Client = Host.CreateClient();
    }

    public TestIssuer Issuer { get; } = new();
    /// <summary>An RSA key the host does not know.</summary>
    public ProofKey Foreign { get; } = ProofKey.Rsa();
    public SecretsHostFactory Host { get; }
    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Host.Dispose();
        Issuer.Dispose();
        Foreign.Dispose();
    }
}
