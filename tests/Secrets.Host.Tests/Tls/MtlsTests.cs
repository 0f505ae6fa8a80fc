using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Auth;

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
    public string CaPath => pki.CaPath;
    public X509Certificate2 Ca => pki.Ca;
    public X509Certificate2 Server => pki.Server;
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

/// <summary>One HTTPS host on Kestrel (127.0.0.1) with client certificates allowed, authentication required.</summary>
public sealed class MtlsHostFixture : IDisposable
{
    public MtlsHostFixture()
    {
        Issuer = new TestIssuer();
        Pki = new MtlsPki();
        Host = new SecretsHostFactory(SecretsHostFactory.Trusting(Issuer, Pki.TlsSettings(("SECRETS_API_REQUIRE_AUTH", "true")))).OnKestrel(https: true);
        Host.StartServer();
        BaseAddress = Host.ClientOptions.BaseAddress;
    }

    public TestIssuer Issuer { get; }
    public MtlsPki Pki { get; }
    public SecretsHostFactory Host { get; }
    public Uri BaseAddress { get; }

    public HttpClient Client(X509Certificate2? clientCertificate) => TlsClients.Create(BaseAddress, Pki.Ca, clientCertificate);

    public void Dispose()
    {
        Host.Dispose();
        Pki.Dispose();
        Issuer.Dispose();
    }
}

/// <summary>mTLS sender binding (RFC 8705, docs/AUTHENTICATION.md#mtls) over a real TLS handshake: what is accepted, what is refused and how.</summary>
public sealed class MtlsTests(MtlsHostFixture fx) : IClassFixture<MtlsHostFixture>
{
    internal const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";

    internal static async Task<HttpResponseMessage> GetValueAsync(HttpClient client, string scheme, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ValuePath);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        return await client.SendAsync(request);
    }

    internal static async Task ShouldBeValueAsync(HttpResponseMessage response)
    {
        var body = await response.ShouldBeOkJsonAsync();
        body["value"]!.GetValue<string>().ShouldBe("dev-api-key", body.ToJsonString());
    }

    /// <summary>401 INVALID_TOKEN with the challenge <c>&lt;scheme&gt; error="invalid_token"</c>.</summary>
    internal static async Task ShouldBeInvalidTokenAsync(HttpResponseMessage response, string scheme = "Bearer")
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).ToList();
        challenges.ShouldHaveSingleItem();
        challenges[0].ShouldStartWith($"{scheme} error=\"invalid_token\"");
    }

    private static Action<JwsBuilder> Cnf(Dictionary<string, object> cnf) => b => b.Claims["cnf"] = cnf;

    private static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // ---- accepted ----

    [Fact]
    public async Task A_token_bound_to_the_presented_ec_certificate_reads_the_value()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        await ShouldBeValueAsync(await GetValueAsync(client, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))));
    }

    [Fact]
    public async Task A_token_bound_to_the_presented_rsa_certificate_reads_the_value()
    {
        using var client = fx.Client(fx.Pki.RsaClient);
        await ShouldBeValueAsync(await GetValueAsync(client, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.RsaClient))));
    }

    [Fact]
    public async Task An_unbound_bearer_token_reads_over_tls_with_or_without_a_client_certificate()
    {
        using var withCert = fx.Client(fx.Pki.EcClient);
        await ShouldBeValueAsync(await GetValueAsync(withCert, "Bearer", fx.Issuer.Token()));
        using var withoutCert = fx.Client(null);
        await ShouldBeValueAsync(await GetValueAsync(withoutCert, "Bearer", fx.Issuer.Token()));
    }

    [Fact]
    public async Task Requests_arrive_over_https_on_loopback()
    {
        fx.BaseAddress.Scheme.ShouldBe("https");
        fx.BaseAddress.Host.ShouldBe("127.0.0.1");
        using var client = fx.Client(null);
        await (await client.GetAsync(ValuePath)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    // ---- refused at the HTTP layer ----

    [Fact]
    public async Task A_bound_token_without_a_client_certificate_is_invalid_token()
    {
        using var client = fx.Client(null);
        await ShouldBeInvalidTokenAsync(await GetValueAsync(client, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))));
    }

    [Fact]
    public async Task A_bound_token_with_another_certificate_of_the_same_ca_is_invalid_token()
    {
        using var client = fx.Client(fx.Pki.OtherClient);
        await ShouldBeInvalidTokenAsync(await GetValueAsync(client, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))));
    }

    public static TheoryData<string> MisencodedThumbprints => ["hex", "padded", "sha1", "standard-base64"];

    [Theory]
    [MemberData(nameof(MisencodedThumbprints))]
    public async Task The_thumbprint_of_the_right_certificate_in_another_encoding_is_invalid_token(string encoding)
    {
        var der = fx.Pki.EcClient.RawData;
        var sha256 = SHA256.HashData(der);
        var x5t = encoding switch
        {
            "hex" => Convert.ToHexString(sha256).ToLowerInvariant(),
            "padded" => B64Url(sha256) + "=",
#pragma warning disable CA5350 // SHA-1 on purpose: the wrong hash must be refused
            "sha1" => B64Url(SHA1.HashData(der)),
#pragma warning restore CA5350
            _ => Convert.ToBase64String(sha256),
        };
        x5t.ShouldNotBe(TestCertificates.X5tS256(fx.Pki.EcClient));
        using var client = fx.Client(fx.Pki.EcClient);
        await ShouldBeInvalidTokenAsync(await GetValueAsync(client, "Bearer", fx.Issuer.Token(Cnf(new() { ["x5t#S256"] = x5t }))));
    }

    [Fact]
    public async Task A_cnf_with_both_jkt_and_x5t_is_invalid_token()
    {
        using var key = ProofKey.Ec();
        using var client = fx.Client(fx.Pki.EcClient);
        var token = fx.Issuer.Token(Cnf(new() { ["jkt"] = key.Thumbprint, ["x5t#S256"] = TestCertificates.X5tS256(fx.Pki.EcClient) }));
        await ShouldBeInvalidTokenAsync(await GetValueAsync(client, "Bearer", token));
    }

    [Fact]
    public async Task A_certificate_bound_token_sent_with_the_dpop_scheme_is_invalid_token()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        await ShouldBeInvalidTokenAsync(await GetValueAsync(client, "DPoP", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))), scheme: "DPoP");
    }

    // ---- refused in the TLS handshake ----

    public static TheoryData<string> RefusedCertificates => ["untrusted-ca", "expired", "no-client-auth-eku"];

    [Theory]
    [MemberData(nameof(RefusedCertificates))]
    public async Task A_client_certificate_the_server_may_not_accept_fails_the_handshake(string which)
    {
        var certificate = which switch
        {
            "untrusted-ca" => fx.Pki.Untrusted,
            "expired" => fx.Pki.Expired,
            _ => fx.Pki.ServerAuthOnly,
        };
        using (var client = fx.Client(certificate))
        {
            var token = fx.Issuer.Token(TestIssuer.BoundToCertificate(certificate));
            await Should.ThrowAsync<HttpRequestException>(() => GetValueAsync(client, "Bearer", token));
        }

        // the server is unharmed: a good certificate still gets through
        using var good = fx.Client(fx.Pki.EcClient);
        await ShouldBeValueAsync(await GetValueAsync(good, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))));
    }
}

/// <summary>
/// One HTTPS host with sender binding required for execute and authorization on: a policy that permits
/// user-1 everything on <c>yaml://secret/*</c> with <c>max_uses: 5</c>.
/// </summary>
public sealed class MtlsEnforcedHostFixture : IDisposable
{
    public const string Policies = """
        version: 1
        rules:
          - id: mtls-user-1
            subjects: [user-1]
            resources: ["yaml://secret/*"]
            purposes: ["*"]
            obligations:
              max_uses: 5
        """;

    public MtlsEnforcedHostFixture()
    {
        Issuer = new TestIssuer();
        Pki = new MtlsPki();
        Host = new SecretsHostFactory(
            SecretsHostFactory.Trusting(Issuer, Pki.TlsSettings(
                ("SECRETS_API_REQUIRE_AUTH", "true"),
                ("SECRETS_REQUIRE_SENDER_BINDING", "true"),
                ("ENABLE_AUTHORIZATION", "true"))),
            policies: Policies).OnKestrel(https: true);
        Host.StartServer();
    }

    public TestIssuer Issuer { get; }
    public MtlsPki Pki { get; }
    public SecretsHostFactory Host { get; }

    public HttpClient Client(X509Certificate2? clientCertificate) => TlsClients.Create(Host.ClientOptions.BaseAddress, Pki.Ca, clientCertificate);

    public void Dispose()
    {
        Host.Dispose();
        Pki.Dispose();
        Issuer.Dispose();
    }
}

/// <summary>SECRETS_REQUIRE_SENDER_BINDING with mTLS, and a grant's binding (docs/AUTHENTICATION.md#sender-binding-and-grants).</summary>
public sealed class MtlsEnforcedTests(MtlsEnforcedHostFixture fx) : IClassFixture<MtlsEnforcedHostFixture>
{
    private const string OtherPath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23OTHER";

    [Fact]
    public async Task With_sender_binding_required_a_certificate_bound_token_reads_and_an_unbound_one_is_refused()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        await MtlsTests.ShouldBeValueAsync(await MtlsTests.GetValueAsync(client, "Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient))));

        var refused = await MtlsTests.GetValueAsync(client, "Bearer", fx.Issuer.Token());
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "SENDER_BINDING_REQUIRED");
        refused.Headers.WwwAuthenticate.ToString().ShouldContain("error=\"invalid_token\"");
    }

    [Fact]
    public async Task A_grant_decided_for_one_certificate_is_refused_to_another_certificate_of_the_same_subject()
    {
        using var a = fx.Client(fx.Pki.EcClient);
        using var requestA = new HttpRequestMessage(HttpMethod.Get, OtherPath);
        requestA.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)));
        var first = await (await a.SendAsync(requestA)).ShouldBeOkJsonAsync();
        first["value"]!.GetValue<string>().ShouldBe("other-value");

        using var b = fx.Client(fx.Pki.RsaClient);
        using var requestB = new HttpRequestMessage(HttpMethod.Get, OtherPath);
        requestB.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.RsaClient)));
        var drift = await b.SendAsync(requestB);
        await drift.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "BINDING_DENIED");
        drift.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }
}

/// <summary>HTTPS settings that cannot work refuse to start, naming the variable.</summary>
public sealed class MtlsStartupTests : IDisposable
{
    private readonly MtlsPki pki = new();

    private static void ShouldRefuseToStart(SecretsHostFactory host, string because)
    {
        using (host)
        {
            var start = () => host.CreateClient();
            start.ShouldThrow<Exception>().ToString().ShouldContain(because);
        }
    }

    /// <summary>A host with <paramref name="settings"/> (a later entry wins over an earlier one of the same key).</summary>
    private static SecretsHostFactory Host(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
            all[key] = value;
        return new SecretsHostFactory(all);
    }

    [Fact]
    public void A_certificate_without_a_key_refuses_to_start() =>
        ShouldRefuseToStart(Host(("TLS_CERT_PATH", pki.CertPath)), "TLS_KEY_PATH");

    [Fact]
    public void A_missing_certificate_file_refuses_to_start_naming_the_variable() =>
        ShouldRefuseToStart(Host(("TLS_CERT_PATH", Path.Combine(pki.Directory, "missing.pem")), ("TLS_KEY_PATH", pki.KeyPath)), "TLS_CERT_PATH");

    [Fact]
    public void A_missing_client_ca_file_refuses_to_start_naming_the_variable() =>
        ShouldRefuseToStart(Host([.. pki.TlsSettings(), ("TLS_CLIENT_CA_PATH", Path.Combine(pki.Directory, "missing-ca.pem"))]), "TLS_CLIENT_CA_PATH");

    [Fact]
    public void A_client_ca_file_without_a_certificate_refuses_to_start()
    {
        var empty = Path.Combine(pki.Directory, "empty-ca.pem");
        File.WriteAllText(empty, "not a certificate\n");
        ShouldRefuseToStart(Host([.. pki.TlsSettings(), ("TLS_CLIENT_CA_PATH", empty)]), "TLS_CLIENT_CA_PATH");
    }

    public void Dispose() => pki.Dispose();
}
