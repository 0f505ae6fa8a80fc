using System.Net;
using System.Net.Http.Headers;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Auth;

public sealed class AuthSmokeTests
{
    private const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";

    [Fact]
    public async Task Bearer_dpop_and_replay_work_end_to_end()
    {
        using var issuer = new TestIssuer();
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer, ("SECRETS_API_REQUIRE_AUTH", "true")));
        var client = host.CreateClient();

        var none = await client.GetAsync(ValuePath);
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, await none.Content.ReadAsStringAsync());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Token());
        var ok = await client.GetAsync(ValuePath);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, host.Logs.AllText());

        using var key = ProofKey.Ec();
        var bound = issuer.Token(TestIssuer.BoundToDpop(key));
        using var request = new HttpRequestMessage(HttpMethod.Get, ValuePath);
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", bound);
        var proof = DpopProofs.Proof(key, "GET", "http://localhost/api/secrets/value", bound);
        request.Headers.Add("DPoP", proof);
        var dpop = await client.SendAsync(request);
        dpop.StatusCode.ShouldBe(HttpStatusCode.OK, await dpop.Content.ReadAsStringAsync());

        using var replay = new HttpRequestMessage(HttpMethod.Get, ValuePath);
        replay.Headers.Authorization = new AuthenticationHeaderValue("DPoP", bound);
        replay.Headers.Add("DPoP", proof);
        var replayed = await client.SendAsync(replay);
        replayed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await replayed.Content.ReadAsStringAsync()).ShouldContain("REPLAY_DENIED");
        replayed.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }

    [Fact]
    public async Task Mtls_bound_token_needs_its_certificate_over_kestrel()
    {
        using var issuer = new TestIssuer();
        using var ca = TestCertificates.CreateCa();
        using var server = TestCertificates.CreateServer(ca);
        using var clientCert = TestCertificates.CreateClient(ca);
        using var other = TestCertificates.CreateClient(ca, "client-2");
        var dir = Path.Combine(Path.GetTempPath(), "secrets-tests", "tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        TestCertificates.WritePem(server, Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key"));
        TestCertificates.WriteCaPem(ca, Path.Combine(dir, "ca.pem"));
        using var host = new SecretsHostFactory(SecretsHostFactory.Trusting(issuer,
            ("SECRETS_API_REQUIRE_AUTH", "true"),
            ("TLS_CERT_PATH", Path.Combine(dir, "server.pem")),
            ("TLS_KEY_PATH", Path.Combine(dir, "server.key")),
            ("TLS_CLIENT_CA_PATH", Path.Combine(dir, "ca.pem")))).OnKestrel(https: true);
        host.StartServer();
        var baseAddress = host.ClientOptions.BaseAddress;
        baseAddress.Scheme.ShouldBe("https");
        var token = issuer.Token(TestIssuer.BoundToCertificate(clientCert));

        using var good = TlsClients.Create(baseAddress, ca, clientCert);
        good.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var ok = await good.GetAsync(ValuePath);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());

        using var wrong = TlsClients.Create(baseAddress, ca, other);
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var refused = await wrong.GetAsync(ValuePath);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }
}
