using System.Security.Cryptography.X509Certificates;
using Secrets.Testing.Auth;

namespace Secrets.Cli.Tests;

/// <summary>
/// The tool over mTLS to a host on Kestrel with a private CA: <c>--client-cert</c>/<c>--client-key</c> present the
/// certificate a token is bound to and <c>--ca-cert</c> trusts the service's CA; without the certificate the bound
/// token is refused (exit 3), and without the CA the service cannot be reached (exit 9).
/// </summary>
public sealed class MtlsTests : IDisposable
{
    private const string App = "openbao+kv2://secret/cli-mtls/app";

    private readonly TestPki pki = new("cli-mtls");
    private readonly AuthenticatedHost host;
    private readonly string certFile;
    private readonly string keyFile;

    public MtlsTests()
    {
        host = new AuthenticatedHost(null, null, pki.TlsSettings());
        host.OnKestrel(https: true).StartServer();
        var certificate = pki.Client("cli-1");
        certFile = Path.Combine(pki.Directory, "cli-1.pem");
        keyFile = Path.Combine(pki.Directory, "cli-1.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        Certificate = certificate;
    }

    private X509Certificate2 Certificate { get; }

    public void Dispose()
    {
        host.Dispose();
        pki.Dispose();
    }

    private async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var token = host.Issuer.Token(TestIssuer.BoundToCertificate(Certificate));
        var code = await Cli.RunAsync(["--server", host.ClientOptions.BaseAddress.ToString(), "--token", token, .. args],
            CliIo.Over(output, error, TextReader.Null, interactive: false), _ => null);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task With_its_certificate_and_the_ca_the_tool_writes_and_reads_and_without_them_it_is_refused()
    {
        var put = await RunAsync("put", App, "token=mtls-cli-1", "--client-cert", certFile, "--client-key", keyFile, "--ca-cert", pki.CaPath);
        var get = await RunAsync("get", App + "#token", "--client-cert", certFile, "--client-key", keyFile, "--ca-cert", pki.CaPath);
        var noCertificate = await RunAsync("get", App + "#token", "--ca-cert", pki.CaPath);
        var noCa = await RunAsync("get", App + "#token", "--client-cert", certFile, "--client-key", keyFile);

        put.ExitCode.ShouldBe(0, put.Error);
        (get.ExitCode, get.Out).ShouldBe((0, "mtls-cli-1\n"), get.Error);
        noCertificate.ExitCode.ShouldBe(ExitCodes.Unauthenticated);
        noCertificate.Error.ShouldContain("INVALID_TOKEN (401)");
        noCa.ExitCode.ShouldBe(ExitCodes.Unreachable);
        (noCertificate.Out + noCertificate.Error + noCa.Out + noCa.Error).ShouldNotContain("mtls-cli-1");
    }

    [Fact]
    public async Task A_key_file_that_is_not_the_certificates_is_a_usage_error_naming_the_option_not_the_key()
    {
        var run = await RunAsync("get", App + "#token", "--client-cert", certFile, "--client-key", pki.CaPath, "--ca-cert", pki.CaPath);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldContain($"error: --client-cert {certFile}: not a readable PEM file");
        run.Error.ShouldNotContain("BEGIN");
    }
}
