using System.Net;
using System.Text.Json.Nodes;
using Shouldly;

namespace Secrets.Testing.Auth;

/// <summary>
/// The checks of the authentication tests: a read that got the value, and each kind of refusal with its status,
/// problem code and <c>WWW-Authenticate</c> challenge (RFC 6750 for Bearer, RFC 9449 for DPoP).
/// </summary>
public static class AuthAssertions
{
    /// <summary>The <c>algs</c> of every DPoP challenge while <c>DPOP_SIGNING_ALGS</c> is at its default.</summary>
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
        "the token's subject is reserved for the service itself",
        "the token's cnf is not an object",
        "the token's cnf must carry exactly one of jkt and x5t#S256",
        "the token is bound to a client certificate the connection did not present",
        "the client certificate is not the one the token is bound to",
    ];

    /// <summary>The WWW-Authenticate values exactly as sent, one per header line.</summary>
    public static string[] Challenges(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? [.. values] : [];
    }

    /// <summary>The one <c>WWW-Authenticate</c> challenge in <paramref name="scheme"/>.</summary>
    public static string Challenge(HttpResponseMessage response, string scheme = "DPoP")
    {
        var all = Challenges(response);
        var matching = all.Where(v => v == scheme || v.StartsWith(scheme + " ", StringComparison.Ordinal)).ToList();
        matching.Count.ShouldBe(1, $"WWW-Authenticate: {string.Join(" | ", all)}");
        return matching[0];
    }

    /// <summary>200 with the value of <see cref="TokenRequests.ValuePath"/>.</summary>
    public static async Task ShouldReadTheValueAsync(this HttpResponseMessage response)
    {
        var body = await response.ShouldBeOkJsonAsync();
        body["value"]!.GetValue<string>().ShouldBe(TokenRequests.Value, body.ToJsonString());
    }

    /// <summary>
    /// 401 INVALID_TOKEN with one challenge <c>Bearer error="invalid_token", error_description="…"</c>, the description
    /// one of the fixed sentences (exactly <paramref name="description"/> when given) and the body's detail the same text.
    /// </summary>
    public static async Task<string> ShouldBeInvalidTokenAsync(this HttpResponseMessage response, string? description = null)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        return CheckBearerChallenge(response, body, "invalid_token", description);
    }

    /// <summary>400 INVALID_REQUEST with one challenge <c>Bearer error="invalid_request", error_description="…"</c>.</summary>
    public static async Task<string> ShouldBeInvalidRequestAsync(this HttpResponseMessage response, string description)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        return CheckBearerChallenge(response, body, "invalid_request", description);
    }

    /// <summary>
    /// 401 with <paramref name="code"/> and a DPoP challenge <c>error="<paramref name="error"/>"</c> with a description and
    /// <c>algs</c>; returns the challenge.
    /// </summary>
    public static async Task<string> ShouldBeDpopRefusalAsync(this HttpResponseMessage response, string code, string error, string algs = DpopAlgs)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, code);
        var challenge = Challenge(response);
        challenge.ShouldContain($"error=\"{error}\"");
        challenge.ShouldContain("error_description=\"");
        challenge.ShouldContain($"algs=\"{algs}\"");
        return challenge;
    }

    /// <summary>
    /// 403 INSUFFICIENT_SCOPE naming <paramref name="scope"/> in the detail and in the one challenge, in
    /// <paramref name="scheme"/> (a DPoP challenge also carries <c>algs</c>); <paramref name="because"/> names the case.
    /// </summary>
    public static async Task ShouldBeScopeRefusalAsync(this HttpResponseMessage response, string scope, string scheme = "Bearer", string? because = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, because is null ? text : because + ": " + text);
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        body["detail"]!.GetValue<string>().ShouldBe($"the access token lacks the scope {scope}", text);
        var challenges = Challenges(response);
        challenges.Length.ShouldBe(1, string.Join(" | ", challenges));
        var expected = $"{scheme} error=\"insufficient_scope\", error_description=\"requires {scope}\", scope=\"{scope}\"";
        if (scheme == "Bearer")
            challenges[0].ShouldBe(expected);
        else
            challenges[0].ShouldStartWith(expected + ", algs=\"", Case.Sensitive, challenges[0]);
    }

    private static string CheckBearerChallenge(HttpResponseMessage response, JsonNode body, string error, string? description)
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
}
