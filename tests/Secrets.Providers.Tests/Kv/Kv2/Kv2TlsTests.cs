using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Kv2;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// TLS to the KVv2 server with certificates made here: a CA and a server certificate for 127.0.0.1
/// that it signed, served by Kestrel over a real handshake. Verification is on by default; a custom
/// CA (VAULT_CACERT) makes such a server trusted; VAULT_VERIFY_SSL=false skips verification.
/// </summary>
public sealed class Kv2TlsTests : IAsyncLifetime
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "kv2-tls", Guid.NewGuid().ToString("N"));
    private WebApplication? server;
    private Uri address = null!;
    private string caPath = null!;
    private readonly List<ServiceProvider> owned = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dir);
        var (ca, serverCertificate) = Certificates();
        caPath = Path.Combine(dir, "ca.pem");
        await File.WriteAllTextAsync(caPath, ca.ExportCertificatePem());

        var builder = WebApplication.CreateSlimBuilder();
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? listening = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            listening = o;
            o.UseHttps(serverCertificate);
        }));
        server = builder.Build();
        server.MapGet("/v1/auth/token/lookup-self", () => Results.Text("""{"data":{"ttl":0,"renewable":false}}""", "application/json"));
        server.MapGet("/v1/secret/data/app", () => Results.Text(
            """{"data":{"data":{"k":"over-tls"},"metadata":{"version":1,"created_time":"2026-01-01T00:00:00Z","deletion_time":"","destroyed":false}}}""",
            "application/json"));
        await server.StartAsync();
        address = new Uri($"https://127.0.0.1:{listening!.IPEndPoint!.Port}/");
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in owned)
            await provider.DisposeAsync();
        if (server is not null)
            await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private IKvStore Store(Func<Kv2Options, Kv2Options> adjust)
    {
        var options = adjust(Kv2Options.Bind("openbao+kv2", _ => null, ["OPENBAO", "VAULT"], address, "t") with { Timeout = TimeSpan.FromSeconds(3) });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddKv2Store(options, _ => new Kv2Server(() => address));
        var provider = services.BuildServiceProvider();
        owned.Add(provider);
        return provider.GetRequiredService<IKvStore>();
    }

    private static readonly KvPath App = new("secret", "app");

    [Fact]
    public async Task A_server_signed_by_the_configured_ca_is_trusted()
    {
        var entry = await Store(o => o with { CaCertPath = caPath }).ReadAsync(App, null, CancellationToken.None);
        entry!.Data.Entries["k"].ShouldBe(SecretValue.Of("over-tls"));
    }

    [Fact]
    public async Task Verification_is_on_by_default_so_an_unknown_ca_is_refused_as_unavailable()
    {
        var problem = await Should.ThrowAsync<SecretsProblem>(() => Store(o => o).ReadAsync(App, null, CancellationToken.None));
        problem.Code.ShouldBe(ErrorCode.ProviderUnavailable);
    }

    [Fact]
    public async Task Verification_can_be_switched_off_explicitly()
    {
        var entry = await Store(o => o with { VerifySsl = false }).ReadAsync(App, null, CancellationToken.None);
        entry!.Data.Entries["k"].ShouldBe(SecretValue.Of("over-tls"));
    }

    private static (X509Certificate2 Ca, X509Certificate2 Server) Certificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Secrets Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        return (X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert)), server);
    }
}
