using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>Valid bearer tokens read the secret: both key types, the audience rules, the clock skew and scopes from <c>scp</c>.</summary>
public sealed class BearerTokenAcceptanceTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private readonly HttpClient client = fixture.CreateClient();

    [Fact]
    public async Task An_rs256_token_reads_the_value() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token())).ShouldReadTheValueAsync();

    [Fact]
    public async Task An_es256_token_reads_the_value() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(key: fixture.Issuer.Es256.Key))).ShouldReadTheValueAsync();

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("application/at+jwt")]
    [InlineData("JWT")]
    public async Task Each_accepted_typ_reads_the_value(string typ) =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Header["typ"] = typ))).ShouldReadTheValueAsync();

    [Fact]
    public async Task A_token_without_aud_is_accepted() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Claims.Remove("aud")))).ShouldReadTheValueAsync();

    [Fact]
    public async Task An_aud_array_that_contains_crud_secrets_among_others_is_accepted() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Claims["aud"] = new[] { "billing.api", "crud.secrets", "reports.api" })))
            .ShouldReadTheValueAsync();

    [Fact]
    public async Task A_token_expired_within_the_skew_is_accepted()
    {
        var now = fixture.Issuer.NowSeconds();
        var token = fixture.Issuer.Token(b => { b.Claims["iat"] = now - 600; b.Claims["nbf"] = now - 600; b.Claims["exp"] = now - 10; });
        await (await TokenRequests.ReadWithTokenAsync(client, token)).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task A_token_not_yet_valid_within_the_skew_is_accepted() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Claims["nbf"] = fixture.Issuer.NowSeconds() + 10))).ShouldReadTheValueAsync();

    [Fact]
    public async Task A_client_credentials_token_without_sub_is_accepted_as_its_client() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Claims.Remove("sub")))).ShouldReadTheValueAsync();

    [Fact]
    public async Task Secrets_audience_changes_the_audience_a_token_needs()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null, ("SECRETS_AUDIENCE", "other"));
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token(b => b.Claims["aud"] = "other"))).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token(b => b.Claims["aud"] = new[] { "crud.secrets", "other" }))).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token())).ShouldBeInvalidTokenAsync("the token's audience does not include this service");
    }

    [Fact]
    public async Task An_scp_array_carries_the_scopes_when_scopes_are_enforced()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null, ("SECRETS_ENFORCE_SCOPES", "true"));
        var client = host.CreateClient();

        var reader = issuer.Token(b => { b.Claims.Remove("scope"); b.Claims["scp"] = new[] { "secrets.read" }; });
        await (await TokenRequests.ReadWithTokenAsync(client, reader)).ShouldReadTheValueAsync();

        var writer = issuer.Token(b => { b.Claims.Remove("scope"); b.Claims["scp"] = new[] { "secrets.write", "secrets.read_metadata" }; });
        var refused = await TokenRequests.ReadWithTokenAsync(client, writer);
        var body = await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        AuthAssertions.Challenges(refused).ShouldHaveSingleItem()
            .ShouldBe("Bearer error=\"insufficient_scope\", error_description=\"requires secrets.read\", scope=\"secrets.read\"");
        body["detail"]!.GetValue<string>().ShouldBe("the access token lacks the scope secrets.read");
    }
}
