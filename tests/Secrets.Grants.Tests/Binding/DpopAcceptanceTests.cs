using System.Net;
using System.Net.Http.Json;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// DPoP proofs the host accepts (RFC 9449 §4.3): every supported key type, GET and POST, the <c>htu</c>
/// normalisation (query and fragment dropped, scheme/host case, default port), and <c>SECRETS_PUBLIC_BASE_URL</c>.
/// </summary>
public sealed class DpopAcceptanceTests(AuthenticatedHostFixture host) : IClassFixture<AuthenticatedHostFixture>
{
    private readonly HttpClient client = host.CreateClient();

    private static ProofKey KeyFor(string alg) => alg switch
    {
        "ES256" or "ES384" or "ES512" => ProofKey.Ec(alg),
        "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" => ProofKey.Rsa(alg),
        "EdDSA" => ProofKey.Ed25519(),
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    public async Task A_proof_of_each_supported_key_type_reads_the_value(string alg)
    {
        using var key = KeyFor(alg);
        var token = host.Issuer.Token(TestIssuer.BoundToDpop(key));

        var body = await (await GetAsync(client, key, token)).ShouldBeOkJsonAsync();

        body.ToJsonString().ShouldContain("dev-api-key");
    }

    [Fact]
    public async Task A_post_with_htm_POST_writes()
    {
        using var key = ProofKey.Ec();
        var token = host.Issuer.Token(TestIssuer.BoundToDpop(key));
        using var request = Request(HttpMethod.Post, "/api/secrets", "DPoP", token, DpopProofs.Proof(key, "POST", WriteHtu, token));
        request.Content = JsonContent.Create(new { uri = "openbao+kv2://secret/dpop/write", value = new { password = "p1" } });

        var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://localhost/api/secrets/value?uri=something-else")]
    [InlineData("http://localhost/api/secrets/value#fragment")]
    [InlineData("http://localhost/api/secrets/value?uri=x#fragment")]
    [InlineData("HTTP://LOCALHOST/api/secrets/value")]
    [InlineData("http://localhost:80/api/secrets/value")]
    [InlineData("HTTP://LocalHost:80/api/secrets/value?a=b")]
    [InlineData("http://localhost/api/%73ecrets/%76alue")]          // percent-encoded unreserved characters (RFC 3986 §6.2.2.2)
    [InlineData("http://localhost/api/secrets/./value")]            // dot segments (RFC 3986 §6.2.2.3)
    [InlineData("http://localhost/api/other/../secrets/value")]
    public async Task The_htu_is_compared_after_normalisation(string htu)
    {
        using var key = ProofKey.Ec();
        var token = host.Issuer.Token(TestIssuer.BoundToDpop(key));

        var response = await GetAsync(client, key, token, htu: htu);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Behind_a_proxy_the_htu_is_the_public_base_url_and_not_the_raw_request_url()
    {
        using var issuer = new TestIssuer();
        using var proxied = new AuthenticatedHost(issuer, null, ("SECRETS_PUBLIC_BASE_URL", "https://secrets.example.com"));
        var client = proxied.CreateClient();
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));

        var ok = await GetAsync(client, key, token, htu: "https://secrets.example.com/api/secrets/value");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());

        var raw = await GetAsync(client, key, token, htu: ValueHtu);
        var challenge = await raw.ShouldBeDpopRefusalAsync("INVALID_DPOP_PROOF", "invalid_dpop_proof");
        challenge.ShouldContain("htu");
    }

    [Fact]
    public async Task A_public_base_url_with_a_path_prefix_is_the_htu_base()
    {
        using var issuer = new TestIssuer();
        using var proxied = new AuthenticatedHost(issuer, null, ("SECRETS_PUBLIC_BASE_URL", "https://gateway.example.com/vault/"));
        var client = proxied.CreateClient();
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));

        var ok = await GetAsync(client, key, token, htu: "https://gateway.example.com/vault/api/secrets/value");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());

        var unprefixed = await GetAsync(client, key, token, htu: "https://gateway.example.com/api/secrets/value");
        await unprefixed.ShouldBeDpopRefusalAsync("INVALID_DPOP_PROOF", "invalid_dpop_proof");
    }
}
