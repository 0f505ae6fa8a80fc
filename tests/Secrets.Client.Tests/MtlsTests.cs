using System.Net;
using System.Text.Json.Nodes;
using Secrets.Client.Authentication;
using Secrets.Testing.Auth;

namespace Secrets.Client.Tests;

/// <summary>
/// mTLS from the client (RFC 8705) over a real TLS handshake with a host on Kestrel: a token bound to the client's
/// certificate works when the client presents it, and is refused when it does not; the service's certificate is trusted
/// through <see cref="SecretsClientOptions.ServerCertificateAuthority"/> (a private CA), and not without it.
/// </summary>
public sealed class MtlsTests : IDisposable
{
    private const string App = "openbao+kv2://secret/client-mtls/app";

    private readonly TestPki pki = new("client-mtls");
    private readonly AuthenticatedHost host;
    private readonly Uri baseAddress;

    public MtlsTests()
    {
        host = new AuthenticatedHost(null, null, pki.TlsSettings(("SECRETS_REQUIRE_SENDER_BINDING", "true")));
        host.OnKestrel(https: true).StartServer();
        baseAddress = host.ClientOptions.BaseAddress;
    }

    public void Dispose()
    {
        host.Dispose();
        pki.Dispose();
    }

    private SecretsClient Client(string token, bool withCertificate, bool trustTheCa = true, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null) =>
        new(SecretsClientServiceCollectionExtensions.CreateHttpClient(new SecretsClientOptions
        {
            BaseAddress = baseAddress,
            TokenSource = new StaticTokenSource(token),
            ClientCertificate = withCertificate ? certificate : null,
            ServerCertificateAuthority = trustTheCa ? pki.Ca : null,
            MaxRetries = 0,
        }));

    [Fact]
    public async Task A_certificate_bound_token_reads_over_mtls_and_is_refused_without_the_certificate()
    {
        var certificate = pki.Client("app-1");
        var writer = Client(host.Issuer.Token(TestIssuer.BoundToCertificate(certificate)), withCertificate: true, certificate: certificate);
        (await writer.WriteAsync(App, JsonNode.Parse("""{"token":"mtls-value-1"}""")!)).Version.ShouldBe(1);

        var read = await Client(host.Issuer.Token(TestIssuer.BoundToCertificate(certificate)), withCertificate: true, certificate: certificate)
            .ReadStringAsync(App + "#token");
        var refused = await Should.ThrowAsync<SecretsApiException>(() =>
            Client(host.Issuer.Token(TestIssuer.BoundToCertificate(certificate)), withCertificate: false).ReadStringAsync(App + "#token"));

        read.ShouldBe("mtls-value-1");
        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Code.ShouldBe("INVALID_TOKEN");
        refused.Message.ShouldNotContain("mtls-value-1");
    }

    [Fact]
    public async Task The_services_certificate_is_not_trusted_without_its_ca()
    {
        var certificate = pki.Client("app-2");

        var failure = await Should.ThrowAsync<HttpRequestException>(() =>
            Client(host.Issuer.Token(TestIssuer.BoundToCertificate(certificate)), withCertificate: true, trustTheCa: false, certificate: certificate)
                .ReadStringAsync(App + "#token"));

        failure.HttpRequestError.ShouldBe(HttpRequestError.SecureConnectionError);
    }
}
