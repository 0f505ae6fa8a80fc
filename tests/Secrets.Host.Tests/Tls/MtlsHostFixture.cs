using System.Security.Cryptography.X509Certificates;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Tls;

/// <summary>One HTTPS host on Kestrel (127.0.0.1) with client certificates allowed, authentication required.</summary>
public sealed class MtlsHostFixture : IDisposable
{
    private readonly AuthenticatedHost host;

    public MtlsHostFixture()
    {
        Pki = new MtlsPki();
        host = new AuthenticatedHost(Pki.TlsSettings());
        host.OnKestrel(https: true).StartServer();
        BaseAddress = host.ClientOptions.BaseAddress;
    }

    public TestIssuer Issuer => host.Issuer;
    public MtlsPki Pki { get; }
    public Uri BaseAddress { get; }

    public HttpClient Client(X509Certificate2? clientCertificate) => TlsClients.Create(BaseAddress, Pki.Ca, clientCertificate);

    public void Dispose()
    {
        host.Dispose();
        Pki.Dispose();
    }
}
