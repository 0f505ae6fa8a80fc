using System.Net;
using System.Security.Cryptography;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Host.Tests.Tls;

/// <summary>mTLS sender binding (RFC 8705, docs/AUTHENTICATION.md#mtls) over a real TLS handshake: what is accepted, what is refused and how.</summary>
public sealed class MtlsTests(MtlsHostFixture fx) : IClassFixture<MtlsHostFixture>
{
    private static Action<JwsBuilder> Cnf(Dictionary<string, object> cnf) => b => b.Claims["cnf"] = cnf;

    // ---- accepted ----

    [Fact]
    public async Task A_token_bound_to_the_presented_ec_certificate_reads_the_value()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)))).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task A_token_bound_to_the_presented_rsa_certificate_reads_the_value()
    {
        using var client = fx.Client(fx.Pki.RsaClient);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.RsaClient)))).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task An_unbound_bearer_token_reads_over_tls_with_or_without_a_client_certificate()
    {
        using var withCert = fx.Client(fx.Pki.EcClient);
        await (await ReadWithTokenAsync(withCert, fx.Issuer.Token())).ShouldReadTheValueAsync();
        using var withoutCert = fx.Client(null);
        await (await ReadWithTokenAsync(withoutCert, fx.Issuer.Token())).ShouldReadTheValueAsync();
    }

    [Fact]
    public async Task Requests_arrive_over_https_on_loopback()
    {
        fx.BaseAddress.Scheme.ShouldBe("https");
        fx.BaseAddress.Host.ShouldBe("127.0.0.1");
        using var client = fx.Client(null);
        await (await client.GetAsync(ValuePath)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    // ---- refused at the HTTP layer ----

    [Fact]
    public async Task A_bound_token_without_a_client_certificate_is_invalid_token()
    {
        using var client = fx.Client(null);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)))).ShouldBeInvalidTokenAsync("the token is bound to a client certificate the connection did not present");
    }

    [Fact]
    public async Task A_bound_token_with_another_certificate_of_the_same_ca_is_invalid_token()
    {
        using var client = fx.Client(fx.Pki.OtherClient);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)))).ShouldBeInvalidTokenAsync("the client certificate is not the one the token is bound to");
    }

    public static TheoryData<string> MisencodedThumbprints => ["hex", "padded", "sha1", "standard-base64"];

    [Theory]
    [MemberData(nameof(MisencodedThumbprints))]
    public async Task The_thumbprint_of_the_right_certificate_in_another_encoding_is_invalid_token(string encoding)
    {
        var der = fx.Pki.EcClient.RawData;
        var sha256 = SHA256.HashData(der);
        var x5t = encoding switch
        {
            "hex" => Convert.ToHexString(sha256).ToLowerInvariant(),
            "padded" => Jose.Base64Url(sha256) + "=",
#pragma warning disable CA5350 // SHA-1 on purpose: the wrong hash must be refused
            "sha1" => Jose.Base64Url(SHA1.HashData(der)),
#pragma warning restore CA5350
            _ => Convert.ToBase64String(sha256),
        };
        x5t.ShouldNotBe(TestCertificates.X5tS256(fx.Pki.EcClient));
        using var client = fx.Client(fx.Pki.EcClient);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(Cnf(new() { ["x5t#S256"] = x5t })))).ShouldBeInvalidTokenAsync();
    }

    [Fact]
    public async Task A_cnf_with_both_jkt_and_x5t_is_invalid_token()
    {
        using var key = ProofKey.Ec();
        using var client = fx.Client(fx.Pki.EcClient);
        var token = fx.Issuer.Token(Cnf(new() { ["jkt"] = key.Thumbprint, ["x5t#S256"] = TestCertificates.X5tS256(fx.Pki.EcClient) }));
        await (await ReadWithTokenAsync(client, token)).ShouldBeInvalidTokenAsync("the token's cnf must carry exactly one of jkt and x5t#S256");
    }

    [Fact]
    public async Task A_certificate_bound_token_sent_with_the_dpop_scheme_is_invalid_token()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        var response = await GetValueAsync(client, "DPoP " + fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)));
        var challenge = await response.ShouldBeDpopRefusalAsync("INVALID_TOKEN", "invalid_token");
        Challenges(response).ShouldHaveSingleItem();
        challenge.ShouldStartWith("DPoP error=\"invalid_token\"");
    }

    // ---- refused in the TLS handshake ----

    public static TheoryData<string> RefusedCertificates => ["untrusted-ca", "expired", "no-client-auth-eku"];

    [Theory]
    [MemberData(nameof(RefusedCertificates))]
    public async Task A_client_certificate_the_server_may_not_accept_fails_the_handshake(string which)
    {
        var certificate = which switch
        {
            "untrusted-ca" => fx.Pki.Untrusted,
            "expired" => fx.Pki.Expired,
            _ => fx.Pki.ServerAuthOnly,
        };
        using (var client = fx.Client(certificate))
        {
            var token = fx.Issuer.Token(TestIssuer.BoundToCertificate(certificate));
            await Should.ThrowAsync<HttpRequestException>(() => ReadWithTokenAsync(client, token));
        }

        // the server is unharmed: a good certificate still gets through
        using var good = fx.Client(fx.Pki.EcClient);
        await (await ReadWithTokenAsync(good, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)))).ShouldReadTheValueAsync();
    }
}
