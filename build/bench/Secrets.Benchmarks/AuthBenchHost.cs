using System.Net;
using System.Net.Http.Headers;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Benchmarks;

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
