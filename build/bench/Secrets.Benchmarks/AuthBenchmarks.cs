using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

/// <summary>
/// What authentication adds to one <c>GET /api/secrets/value</c> (YAML provider, dev profile, authorization off,
/// no rate limit) through the whole host on Kestrel over real loopback sockets, client and server in this process
/// (the in-process toolchain: the host is a WebApplicationFactory). Cases: anonymous (the baseline), an RS256
/// bearer token, a DPoP-bound token with an ES256 proof made per request (and <c>DpopProofOnly</c>: making the
/// proof alone, no request), and over TLS: an unbound bearer token without a client certificate (the TLS
/// baseline) and a certificate-bound token with its client certificate (mTLS). Connections are kept alive, so
/// the TLS handshake is not in the per-request time. Each case first sends 2,000 requests un-measured. Every measured request must answer 200 (else the case
/// throws); <see cref="Setup"/> checks that each case really is what its name says (see <see cref="AuthChecks"/>).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class AuthBenchmarks
{
    public const string CheckPrefix = "AUTH check";
    public const string ValuePath = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";

    private const int WarmupRequests = 2000;

    private AuthBenchHost? host;
    private HttpClient client = null!;
    private string token = "";
    private string htu = "";
    private ProofKey? proofKey;

    [Params("Anonymous", "Bearer", "Dpop", "DpopProofOnly", "TlsBearer", "TlsMtls")]
    public string Case { get; set; } = "Anonymous";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        client?.Dispose();
        proofKey?.Dispose();
        host?.Dispose();
    }

    [Benchmark]
    public async Task<int> Request()
    {
        switch (Case)
        {
            case "DpopProofOnly":
                return DpopProofs.Proof(proofKey!, "GET", htu, token).Length;
            case "Anonymous":
                return await AuthBenchHost.SendAsync(client, null, null, null);
            case "Dpop":
                return await AuthBenchHost.SendAsync(client, "DPoP", token, DpopProofs.Proof(proofKey!, "GET", htu, token));
            default:
                return await AuthBenchHost.SendAsync(client, "Bearer", token, null);
        }
    }

    private async Task SetupAsync()
    {
        var tls = Case.StartsWith("Tls", StringComparison.Ordinal);
        host = new AuthBenchHost(tls);
        htu = new Uri(host.BaseAddress, "/api/secrets/value").ToString();
        switch (Case)
        {
            case "Anonymous":
                client = host.Client(null);
                token = "";
                break;
            case "Bearer":
            case "TlsBearer":
                client = host.Client(null);
                token = host.Issuer.Token();
                break;
            case "Dpop":
            case "DpopProofOnly":
                client = host.Client(null);
                proofKey = ProofKey.Ec("ES256");
                token = host.Issuer.Token(TestIssuer.BoundToDpop(proofKey));
                break;
            case "TlsMtls":
                client = host.Client(host.Pki!.EcClient);
                token = host.Issuer.Token(TestIssuer.BoundToCertificate(host.Pki.EcClient));
                break;
            default:
                throw new InvalidOperationException($"unknown case {Case}");
        }
        var problems = await AuthChecks.VerifyAsync(Case, host, client, token, proofKey, htu);
        // Warm-up beyond BenchmarkDotNet's: client and host share this process, so the first case would otherwise
        // also pay for tiering up the whole request pipeline (JIT is per process, not per host).
        for (var i = 0; i < WarmupRequests && problems.Count == 0; i++)
            await Request();
        Console.WriteLine($"{CheckPrefix} [{Case}] setup: {(problems.Count == 0 ? "OK" : "FAILED: " + string.Join("; ", problems))}");
        if (problems.Count > 0)
            throw new InvalidOperationException($"{Case}: " + string.Join("; ", problems));
    }
}

/// <summary>
/// The host every auth case runs against: dev profile, YAML provider, authorization off, no rate limit,
/// trusting a test issuer; on Kestrel at 127.0.0.1, plain HTTP or HTTPS with a client CA (TLS_*).
/// </summary>
internal sealed class AuthBenchHost : IDisposable
{
    private readonly string? tlsDir;

    public AuthBenchHost(bool tls)
    {
        Issuer = new TestIssuer();
        var settings = new List<(string, string?)>
        {
            ("ENVIRONMENT", "dev"),
            ("ENABLE_AUTHORIZATION", "false"),
            ("RATE_LIMIT_PER_CLIENT_RPS", "0"),
            ("SECRETS_API_REQUIRE_AUTH", "false"),
            ("SECRETS_REQUIRE_SENDER_BINDING", "false"),
        };
        if (tls)
        {
            Pki = new BenchPki();
            tlsDir = Pki.Directory;
            settings.AddRange(Pki.TlsSettings());
        }
        Factory = new SecretsHostFactory(SecretsHostFactory.Trusting(Issuer, [.. settings])).OnKestrel(https: tls);
        Factory.StartServer();
        BaseAddress = Factory.ClientOptions.BaseAddress;
    }

    public TestIssuer Issuer { get; }
    public BenchPki? Pki { get; }
    public SecretsHostFactory Factory { get; }
    public Uri BaseAddress { get; }

    public HttpClient Client(System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate) => Pki is null
        ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = BaseAddress }
        : TlsClients.Create(BaseAddress, Pki.Ca, clientCertificate);

    /// <summary>One GET of the value; the body is read; anything but 200 throws. Returns the body's length.</summary>
    public static async Task<int> SendAsync(HttpClient client, string? scheme, string? token, string? proof)
    {
        var (status, body) = await TrySendAsync(client, scheme, token, proof);
        if (status != HttpStatusCode.OK)
            throw new InvalidOperationException($"expected 200, got {(int)status}: {body}");
        return body.Length;
    }

    public static async Task<(HttpStatusCode Status, string Body)> TrySendAsync(HttpClient client, string? scheme, string? token, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, AuthBenchmarks.ValuePath);
        if (scheme is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null)
            request.Headers.Add("DPoP", proof);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        Factory.Dispose();
        Pki?.Dispose();
        Issuer.Dispose();
        _ = tlsDir;
    }
}

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

/// <summary>
/// What each case must show before it is measured: 20 requests of the case answer 200, and the same host
/// refuses what the case's binding must refuse — a token from another issuer (bearer), a DPoP-bound token
/// without a proof, with a replayed proof and with another key's proof (DPoP), a certificate-bound token on a
/// connection without a certificate and with another certificate of the same CA (mTLS). The anonymous host
/// still validates a presented token (an invalid one is 401).
/// </summary>
internal static class AuthChecks
{
    public static async Task<List<string>> VerifyAsync(string name, AuthBenchHost host, HttpClient client, string token, ProofKey? key, string htu)
    {
        var problems = new List<string>();
        async Task Expect(string what, HttpStatusCode expected, string? code, string? scheme, string? tok, string? proof, HttpClient? via = null)
        {
            var (status, body) = await AuthBenchHost.TrySendAsync(via ?? client, scheme, tok, proof);
            if (status != expected || (code is not null && !body.Contains($"\"{code}\"", StringComparison.Ordinal)))
                problems.Add($"{what}: expected {(int)expected} {code}, got {(int)status} {body}");
        }

        if (name == "DpopProofOnly")
        {
            var proof = DpopProofs.Proof(key!, "GET", htu, token);
            await Expect("the proof is accepted", HttpStatusCode.OK, null, "DPoP", token, proof);
            return problems;
        }
        for (var i = 0; i < 20; i++)
        {
            var proof = name == "Dpop" ? DpopProofs.Proof(key!, "GET", htu, token) : null;
            await Expect($"request {i}", HttpStatusCode.OK, null, name == "Anonymous" ? null : name == "Dpop" ? "DPoP" : "Bearer", name == "Anonymous" ? null : token, proof);
        }
        using var stranger = new TestIssuer("https://stranger.test");
        switch (name)
        {
            case "Anonymous":
                await Expect("an invalid token is still refused", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", "not-a-jwt", null);
                break;
            case "Bearer":
            case "TlsBearer":
                await Expect("a token of another issuer", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", stranger.Token(), null);
                if (name == "TlsBearer" && host.BaseAddress.Scheme != "https")
                    problems.Add("not over https");
                break;
            case "Dpop":
                await Expect("the bound token without a proof", HttpStatusCode.Unauthorized, "INVALID_DPOP_PROOF", "DPoP", token, null);
                await Expect("the bound token as Bearer", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null);
                var once = DpopProofs.Proof(key!, "GET", htu, token);
                await Expect("a fresh proof", HttpStatusCode.OK, null, "DPoP", token, once);
                await Expect("the same proof again", HttpStatusCode.Unauthorized, "REPLAY_DENIED", "DPoP", token, once);
                using (var otherKey = ProofKey.Ec("ES256"))
                    await Expect("another key's proof", HttpStatusCode.Unauthorized, "INVALID_DPOP_PROOF", "DPoP", token, DpopProofs.Proof(otherKey, "GET", htu, token));
                break;
            case "TlsMtls":
                if (host.BaseAddress.Scheme != "https")
                    problems.Add("not over https");
                using (var noCert = host.Client(null))
                    await Expect("the bound token without a client certificate", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null, noCert);
                using (var otherCert = host.Client(host.Pki!.OtherClient))
                    await Expect("the bound token with another certificate of the CA", HttpStatusCode.Unauthorized, "INVALID_TOKEN", "Bearer", token, null, otherCert);
                break;
        }
        return problems;
    }
}
