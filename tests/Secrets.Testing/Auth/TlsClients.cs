using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Secrets.Testing.Auth;

/// <summary>HTTPS clients for a test server: they trust one CA and nothing else, and may present a client certificate.</summary>
public static class TlsClients
{
    /// <summary>
    /// An <see cref="HttpClient"/> for <paramref name="baseAddress"/> whose server must chain to <paramref name="trustedCa"/>
    /// (custom root trust, no system roots, no revocation check; the host name is checked as usual) and which presents
    /// <paramref name="clientCertificate"/> (with its private key) whenever the server asks for one.
    /// </summary>
    public static HttpClient Create(Uri baseAddress, X509Certificate2 trustedCa, X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(trustedCa);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(trustedCa);
        var ssl = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [clientCertificate];
            // Sent whatever CA names the server lists: without the callback .NET may send nothing when the names
            // do not match (on Linux against Kestrel it sends the certificate either way).
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        var handler = new SocketsHttpHandler { SslOptions = ssl, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress };
    }
}
