using static Secrets.Testing.HostStartup;

namespace Secrets.Host.Tests.Tls;

/// <summary>HTTPS settings that cannot work refuse to start, naming the variable.</summary>
public sealed class MtlsStartupTests : IDisposable
{
    private readonly MtlsPki pki = new();

    [Fact]
    public void A_certificate_without_a_key_refuses_to_start() =>
        HostWith(("TLS_CERT_PATH", pki.CertPath)).ShouldRefuseToStart("TLS_KEY_PATH");

    [Fact]
    public void A_missing_certificate_file_refuses_to_start_naming_the_variable() =>
        HostWith(("TLS_CERT_PATH", Path.Combine(pki.Directory, "missing.pem")), ("TLS_KEY_PATH", pki.KeyPath)).ShouldRefuseToStart("TLS_CERT_PATH");

    [Fact]
    public void A_missing_client_ca_file_refuses_to_start_naming_the_variable() =>
        HostWith([.. pki.TlsSettings(), ("TLS_CLIENT_CA_PATH", Path.Combine(pki.Directory, "missing-ca.pem"))]).ShouldRefuseToStart("TLS_CLIENT_CA_PATH");

    [Fact]
    public void A_client_ca_file_without_a_certificate_refuses_to_start()
    {
        var empty = Path.Combine(pki.Directory, "empty-ca.pem");
        File.WriteAllText(empty, "not a certificate\n");
        HostWith([.. pki.TlsSettings(), ("TLS_CLIENT_CA_PATH", empty)]).ShouldRefuseToStart("TLS_CLIENT_CA_PATH");
    }

    public void Dispose() => pki.Dispose();
}
