using BenchmarkDotNet.Attributes;
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
