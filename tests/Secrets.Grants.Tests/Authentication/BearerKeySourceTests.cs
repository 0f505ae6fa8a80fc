using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>
/// The issuer's keys from an OIDC authority (discovery + JWKS over http on loopback), with rollover when a token names
/// a key not yet fetched, and from OIDC_ISSUER + OIDC_JWKS_URL.
/// </summary>
public sealed class BearerKeySourceTests
{
    [Fact]
    public async Task An_oidc_authority_on_loopback_is_trusted_through_discovery_and_jwks()
    {
        using var stub = new OidcAuthorityStub();
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["SECRETS_API_REQUIRE_AUTH"] = "true",
            ["OIDC_AUTHORITY"] = stub.BaseUrl,
        });
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token())).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: stub.Issuer.Es256.Key))).ShouldReadTheValueAsync();
        stub.DiscoveryRequests.ShouldBeGreaterThanOrEqualTo(1);
        stub.JwksRequests.ShouldBeGreaterThanOrEqualTo(1);

        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(b => b.Claims["iss"] = stub.BaseUrl + "/"))).ShouldBeInvalidTokenAsync("the token's issuer is not accepted");
        using var other = new TestIssuer(stub.BaseUrl);
        await (await TokenRequests.ReadWithTokenAsync(client, other.Token())).ShouldBeInvalidTokenAsync();
    }

    /// <summary>A host trusting the stub; the token replay guard is off, as these tests send one token for one secret more than once.</summary>
    private static SecretsHostFactory HostTrusting(OidcAuthorityStub stub, string source) => new(source switch
    {
        "authority" => new Dictionary<string, string?> { ["SECRETS_API_REQUIRE_AUTH"] = "true", ["OIDC_AUTHORITY"] = stub.BaseUrl, ["TOKEN_REPLAY_GUARD"] = "false" },
        _ => new Dictionary<string, string?>
        {
            ["SECRETS_API_REQUIRE_AUTH"] = "true", ["OIDC_ISSUER"] = stub.BaseUrl, ["OIDC_JWKS_URL"] = stub.JwksUri, ["TOKEN_REPLAY_GUARD"] = "false",
        },
    });

    [Theory]
    [InlineData("authority")]
    [InlineData("jwks_url")]
    public async Task After_rotation_the_new_key_is_fetched_on_its_unknown_kid_and_the_dropped_key_is_refused(string source)
    {
        using var stub = new OidcAuthorityStub();
        using var host = HostTrusting(stub, source);
        var client = host.CreateClient();
        var beforeRotation = stub.Issuer.Token();
        await (await TokenRequests.ReadWithTokenAsync(client, beforeRotation)).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, beforeRotation)).ShouldReadTheValueAsync();   // remembered: no second signature check
        var dropped = stub.Issuer.Rs256;
        var jwksBefore = stub.JwksRequests;

        stub.Rotate(keepOldKeys: false);
        stub.Issuer.Rs256.Kid.ShouldNotBe(dropped.Kid);

        // The first token with the new kid makes the host fetch the keys again (at most every 30 s); a fetch may finish
        // after that request is answered, so allow a few attempts in a bounded time.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var attempts = 0;
        HttpStatusCode status;
        do
        {
            attempts++;
            var response = await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token());
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                await response.ShouldReadTheValueAsync();
                break;
            }
            await response.ShouldBeInvalidTokenAsync();
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        status.ShouldBe(HttpStatusCode.OK, $"the rotated key was not accepted after {attempts} attempts");
        stub.JwksRequests.ShouldBeGreaterThan(jwksBefore);

        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: dropped.Key))).ShouldBeInvalidTokenAsync();
        // the token accepted (and remembered) before the rotation was checked against the old key set: refused now too
        await (await TokenRequests.ReadWithTokenAsync(client, beforeRotation)).ShouldBeInvalidTokenAsync("the token is not signed by a known key");
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: stub.Issuer.Es256.Key))).ShouldReadTheValueAsync();
    }

    [Theory]
    [InlineData("authority")]
    [InlineData("jwks_url")]
    public async Task After_rotation_that_keeps_old_keys_both_generations_are_accepted(string source)
    {
        using var stub = new OidcAuthorityStub();
        using var host = HostTrusting(stub, source);
        var client = host.CreateClient();
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token())).ShouldReadTheValueAsync();
        var old = stub.Issuer.Rs256;

        stub.Rotate(keepOldKeys: true);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token())).StatusCode != HttpStatusCode.OK)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the rotated key was never accepted");
            await Task.Delay(100);
        }
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: old.Key))).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task Oidc_issuer_with_a_jwks_url_is_trusted()
    {
        using var stub = new OidcAuthorityStub();
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["SECRETS_API_REQUIRE_AUTH"] = "true",
            ["OIDC_ISSUER"] = stub.BaseUrl,
            ["OIDC_JWKS_URL"] = stub.JwksUri,
        });
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token())).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: stub.Issuer.Es256.Key))).ShouldReadTheValueAsync();
        stub.JwksRequests.ShouldBeGreaterThanOrEqualTo(1);
        stub.DiscoveryRequests.ShouldBe(0);

        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(b => b.Claims["iss"] = "https://issuer.test"))).ShouldBeInvalidTokenAsync("the token's issuer is not accepted");
        using var foreign = ProofKey.Rsa();
        await (await TokenRequests.ReadWithTokenAsync(client, stub.Issuer.Token(key: foreign))).ShouldBeInvalidTokenAsync();
    }
}
