using System.Security.Cryptography.X509Certificates;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Tls;

/// <summary>
/// A test PKI written as PEM files (server certificate and key, client CA) and the clients the mTLS tests
/// present: EC and RSA client certificates of the CA, another one of the same CA, one of an untrusted CA,
/// an expired one and one without the clientAuth EKU (a server certificate of the CA).
/// </summary>
public sealed class MtlsPki : IDisposable
{
    private readonly TestPki pki = new("secrets-mtls");

    public MtlsPki()
    {
        EcClient = pki.Client("client-ec");
        RsaClient = pki.Client("client-rsa", rsa: true);
        OtherClient = pki.Client("client-other");
        UntrustedCa = pki.Own(TestCertificates.CreateCa("Untrusted Test CA"));
        Untrusted = pki.Client("client-untrusted", ca: UntrustedCa);
        var now = DateTimeOffset.UtcNow;
        Expired = pki.Client("client-expired", now.AddDays(-3), now.AddDays(-1));
        ServerAuthOnly = pki.Own(TestCertificates.CreateServer(pki.Ca));
    }

    public string Directory => pki.Directory;
    public string CertPath => pki.CertPath;
    public string KeyPath => pki.KeyPath;
    public X509Certificate2 Ca => pki.Ca;
    public X509Certificate2 EcClient { get; }
    public X509Certificate2 RsaClient { get; }
    public X509Certificate2 OtherClient { get; }
    public X509Certificate2 UntrustedCa { get; }
    public X509Certificate2 Untrusted { get; }
    public X509Certificate2 Expired { get; }
    /// <summary>EKU serverAuth only: chains to the CA but may not authenticate a client.</summary>
    public X509Certificate2 ServerAuthOnly { get; }

    /// <summary>The host settings for HTTPS with this PKI, plus <paramref name="more"/>.</summary>
    public (string Key, string? Value)[] TlsSettings(params (string Key, string? Value)[] more) => pki.TlsSettings(more);

    public void Dispose() => pki.Dispose();
}
