using System.Security.Cryptography.X509Certificates;
using Secrets.Testing.Auth;
using Secrets.Testing.Policy;

namespace Secrets.Host.Tests.Tls;

/// <summary>
/// One HTTPS host with sender binding required for execute and authorization on: a policy that permits
/// everything on the test mounts with <c>max_uses: 5</c>.
/// </summary>
public sealed class MtlsEnforcedHostFixture : IDisposable
{
    private readonly AuthenticatedHost host;

    public MtlsEnforcedHostFixture()
    {
        Pki = new MtlsPki();
        host = new AuthenticatedHost(null, TestPolicies.PermitFiveUses,
            Pki.TlsSettings(("SECRETS_REQUIRE_SENDER_BINDING", "true"), ("ENABLE_AUTHORIZATION", "true")));
        host.OnKestrel(https: true).StartServer();
    }

    public TestIssuer Issuer => host.Issuer;
    public MtlsPki Pki { get; }

    public HttpClient Client(X509Certificate2? clientCertificate) => TlsClients.Create(host.ClientOptions.BaseAddress, Pki.Ca, clientCertificate);

    public void Dispose()
    {
        host.Dispose();
        Pki.Dispose();
    }
}
