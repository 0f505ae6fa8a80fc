using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

/// <summary>The test PKI on disk and two client certificates of its CA.</summary>
internal sealed class BenchPki : IDisposable
{
    private readonly TestPki pki = new("secrets-bench-tls");

    public BenchPki()
    {
        EcClient = pki.Client("bench-client");
        OtherClient = pki.Client("bench-other");
    }

    public string Directory => pki.Directory;
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Ca => pki.Ca;
    public System.Security.Cryptography.X509Certificates.X509Certificate2 EcClient { get; }
    public System.Security.Cryptography.X509Certificates.X509Certificate2 OtherClient { get; }

    public (string Key, string? Value)[] TlsSettings() => pki.TlsSettings();

    public void Dispose() => pki.Dispose();
}
