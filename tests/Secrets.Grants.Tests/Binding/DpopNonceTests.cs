using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>Server nonces (RFC 9449 §8, <c>DPOP_NONCE_REQUIRED=true</c>): use_dpop_nonce with a DPoP-Nonce, then the retry.</summary>
public sealed class DpopNonceTests : IDisposable
{
    private readonly TestIssuer issuer = new();
    private readonly AuthenticatedHost host;
    private readonly HttpClient client;

    public DpopNonceTests()
    {
        host = new AuthenticatedHost(issuer, null, ("DPOP_NONCE_REQUIRED", "true"));
        client = host.CreateClient();
    }

    public void Dispose()
    {
        host.Dispose();
        issuer.Dispose();
    }

    private static string NonceOf(HttpResponseMessage response)
    {
        response.Headers.TryGetValues("DPoP-Nonce", out var values).ShouldBeTrue("no DPoP-Nonce header");
        var nonce = values!.ShouldHaveSingleItem();
        nonce.ShouldNotBeNullOrWhiteSpace();
        return nonce;
    }

    [Fact]
    public async Task A_proof_without_nonce_gets_use_dpop_nonce_and_the_retry_with_it_succeeds()
    {
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));

        var first = await GetAsync(client, key, token);
        await first.ShouldBeDpopRefusalAsync("USE_DPOP_NONCE", "use_dpop_nonce");
        var nonce = NonceOf(first);

        var retry = await GetAsync(client, key, token, nonce: nonce);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("made-up-nonce")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]   // the shape of a real one (32 base64url characters), another MAC
    public async Task A_made_up_nonce_gets_use_dpop_nonce_again(string nonce)
    {
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));

        var response = await GetAsync(client, key, token, nonce: nonce);

        await response.ShouldBeDpopRefusalAsync("USE_DPOP_NONCE", "use_dpop_nonce");
        NonceOf(response).ShouldNotBe(nonce);
    }

    [Theory]
    [InlineData(SecretsHostFactory.TestSalt, true)]            // another node of the same tenant (same TENANT_SALT)
    [InlineData("another-tenant-salt-4b1c9e", false)]          // a host with another salt
    public async Task A_nonce_issued_by_another_host_is_honoured_only_with_the_same_tenant_salt(string salt, bool honoured)
    {
        using var other = new AuthenticatedHost(issuer, null, ("DPOP_NONCE_REQUIRED", "true"), ("TENANT_SALT", salt));
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));
        var foreign = NonceOf(await GetAsync(other.CreateClient(), key, token));

        var response = await GetAsync(client, key, token, nonce: foreign);

        if (honoured)
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        else
            await response.ShouldBeDpopRefusalAsync("USE_DPOP_NONCE", "use_dpop_nonce");
    }

    [Fact]
    public async Task A_proof_refused_for_its_nonce_does_not_spend_its_jti()
    {
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));
        var jti = Guid.NewGuid().ToString();

        var first = await GetAsync(client, key, token, edit: b => b.Claims["jti"] = jti);
        await first.ShouldBeDpopRefusalAsync("USE_DPOP_NONCE", "use_dpop_nonce");

        var retry = await GetAsync(client, key, token, nonce: NonceOf(first), edit: b => b.Claims["jti"] = jti);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
    }
}
