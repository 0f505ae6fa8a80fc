using System.Security.Cryptography.X509Certificates;

namespace Secrets.Testing.Auth;

/// <summary>
/// A test PKI on disk for the host's HTTPS settings: a CA, the server's certificate and key and the CA
/// as PEM files in a temporary directory, and client certificates of the CA made on demand (disposed
/// with the PKI).
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly List<X509Certificate2> owned = [];

    public TestPki(string name = "secrets-tls")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(name + "-").FullName;
        Ca = Own(TestCertificates.CreateCa());
        Server = Own(TestCertificates.CreateServer(Ca));
        TestCertificates.WritePem(Server, CertPath, KeyPath);
        TestCertificates.WriteCaPem(Ca, CaPath);
    }

    public string Directory { get; }
    public string CertPath => Path.Combine(Directory, "server.pem");
    public string KeyPath => Path.Combine(Directory, "server.key");
    public string CaPath => Path.Combine(Directory, "ca.pem");
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }

    /// <summary>A client certificate of this PKI's CA (or of <paramref name="ca"/>), disposed with the PKI.</summary>
    public X509Certificate2 Client(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false, X509Certificate2? ca = null) =>
        Own(TestCertificates.CreateClient(ca ?? Ca, name, notBefore, notAfter, rsa));

    /// <summary>Keeps <paramref name="certificate"/> until the PKI is disposed.</summary>
    public X509Certificate2 Own(X509Certificate2 certificate)
    {
        owned.Add(certificate);
        return certificate;
    }

    /// <summary>The host settings for HTTPS with this PKI (clients may present a certificate of the CA), plus <paramref name="more"/>.</summary>
    public (string Key, string? Value)[] TlsSettings(params (string Key, string? Value)[] more) =>
        [("TLS_CERT_PATH", CertPath), ("TLS_KEY_PATH", KeyPath), ("TLS_CLIENT_CA_PATH", CaPath), .. more];

    public void Dispose()
    {
        foreach (var certificate in owned)
            certificate.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
