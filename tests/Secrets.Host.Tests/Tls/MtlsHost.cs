using System.Security.Cryptography.X509Certificates;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Tls;

/// <summary>
/// One HTTPS host on Kestrel (127.0.0.1) with the test PKI of <see cref="MtlsPki"/>: client certificates of its CA
/// allowed, authentication required, and the given policies and settings besides.
/// </summary>
public abstract class MtlsHost : IDisposable
{
    private readonly AuthenticatedHost host;

    protected MtlsHost(string? policies, params (string Key, string? Value)[] settings)
    {
        Pki = new MtlsPki();
        host = new AuthenticatedHost(null, policies, Pki.TlsSettings(settings));
        host.OnKestrel(https: true).StartServer();
        BaseAddress = host.ClientOptions.BaseAddress;
    }

    public TestIssuer Issuer => host.Issuer;
    public MtlsPki Pki { get; }
    public Uri BaseAddress { get; }

    /// <summary>A client that trusts the PKI's CA and presents <paramref name="clientCertificate"/> when asked.</summary>
    public HttpClient Client(X509Certificate2? clientCertificate) => TlsClients.Create(BaseAddress, Pki.Ca, clientCertificate);

    public void Dispose()
    {
        host.Dispose();
        Pki.Dispose();
        GC.SuppressFinalize(this);
    }
}
