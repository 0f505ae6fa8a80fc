using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>
/// SECRETS_API_REQUIRE_AUTH: with it a request without a token is 401 UNAUTHENTICATED with both challenges; without it
/// such a request is anonymous, but a presented token is still validated. Health, metrics and the API document never
/// need a token and ignore whatever Authorization header comes with them.
/// </summary>
public sealed class BearerRequireAuthTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private readonly HttpClient client = fixture.CreateClient();

    public static TheoryData<string, string?> AnonymousPaths => new()
    {
        { "/health/live", null },
        { "/health/ready", null },
        { "/metrics", null },
        { "/swagger/v1/swagger.json", null },
        { "/health/live", "Bearer garbage.token.here" },
        { "/health/ready", "Basic Zm9vOmJhcg==" },
        { "/metrics", "Bearer " + new string('x', 9000) },
        { "/swagger/v1/swagger.json", "DPoP not a token" },
    };

    [Fact]
    public async Task Without_a_token_when_required_is_401_unauthenticated_with_a_bearer_and_a_dpop_challenge()
    {
        var response = await TokenRequests.GetValueAsync(client);
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        AuthAssertions.Challenges(response).ShouldBe(["Bearer", $"DPoP algs=\"{AuthAssertions.DpopAlgs}\""]);
    }

    [Theory]
    [MemberData(nameof(AnonymousPaths))]
    public async Task Health_metrics_and_the_api_document_need_no_token(string path, string? authorization)
    {
        var response = authorization is null
            ? await TokenRequests.GetAsync(client, path)
            : await TokenRequests.GetAsync(client, path, authorization);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        AuthAssertions.Challenges(response).ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_token_when_optional_the_caller_is_anonymous()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer, ("SECRETS_API_REQUIRE_AUTH", "false")));
        var client = host.CreateClient();
        var correlation = Guid.NewGuid().ToString("N");

        using var request = new HttpRequestMessage(HttpMethod.Get, TokenRequests.ValuePath);
        request.Headers.Add("X-Correlation-ID", correlation);
        await (await client.SendAsync(request)).ShouldReadTheValueAsync();

        var record = (await AuditProbe.EventsAsync(client, $"correlation_id={correlation}")).ShouldHaveSingleItem();
        record["subject"]!.GetValue<string>().ShouldBe("anonymous");
    }

    [Fact]
    public async Task An_invalid_token_when_auth_is_optional_is_still_401_never_anonymous()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer, ("SECRETS_API_REQUIRE_AUTH", "false")));
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token(b => b.Claims["iss"] = "https://evil.test")))
            .ShouldBeInvalidTokenAsync("the token's issuer is not accepted");
        await (await TokenRequests.ReadWithTokenAsync(client, Jose.WithSignatureTampered(issuer.Token()))).ShouldBeInvalidTokenAsync();
        await (await TokenRequests.GetValueAsync(client, "Bearer")).ShouldBeInvalidTokenAsync(AuthAssertions.MissingOrMalformed);
        await (await TokenRequests.GetValueAsync(client, "Basic Zm9vOmJhcg==")).ShouldBeInvalidRequestAsync("use the Bearer or DPoP scheme");
        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token())).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task Without_a_key_source_and_auth_optional_a_presented_token_is_refused()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token())).ShouldBeInvalidTokenAsync();
        await (await TokenRequests.GetValueAsync(client)).ShouldReadTheValueAsync();
    }
}
