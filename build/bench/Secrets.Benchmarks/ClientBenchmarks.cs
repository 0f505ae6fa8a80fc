using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Client;

namespace Secrets.Benchmarks;

/// <summary>
/// What the .NET client costs its application (docs/BENCHMARKS.md#client): a read through <see cref="SecretsClient"/> as
/// <c>AddSecretsClient</c> builds it (retry and authentication handlers, typed answer) against a raw
/// <see cref="HttpClient"/> GET that parses the same JSON, both to one Kestrel endpoint on loopback that answers a fixed
/// read; and a hit of <see cref="SecretsValueCache"/>. The endpoint does no work, so the difference is the client's own.
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private const string Uri = "openbao+kv2://secret/bench/app#token";
    private WebApplication? server;
    private HttpClient? raw;
    private ServiceProvider? services;
    private SecretsClient? client;
    private ServiceProvider? bareServices;
    private SecretsClient? bare;
    private HttpClient? rawStub;
    private ServiceProvider? stubServices;
    private SecretsClient? clientStub;
    private SecretsValueCache? cache;
    private string path = "";

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        server = builder.Build();
        var body = System.Text.Encoding.UTF8.GetBytes("""{"uri":"openbao+kv2://secret/bench/app#token","version":3,"value":"s3cr3t-value-0123456789abcdef"}""");
        server.MapGet("/api/secrets/value", async http =>
        {
            http.Response.ContentType = "application/json";
            http.Response.Headers[SecretsClient.GrantExpiresInHeader] = "300";
            await http.Response.Body.WriteAsync(body);
        });
        server.StartAsync().GetAwaiter().GetResult();
        var address = new System.Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        raw = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
        services = new ServiceCollection().AddSecretsClient(o => o.BaseAddress = address).Services.BuildServiceProvider();
        client = services.GetRequiredService<SecretsClient>();
        bareServices = new ServiceCollection().AddSecretsClient(o => { o.BaseAddress = address; o.MaxRetries = 0; }).Services.BuildServiceProvider();
        bare = bareServices.GetRequiredService<SecretsClient>();
        // the same two callers over a handler that answers at once: what each costs in this process, without the network
        rawStub = new HttpClient(new CannedAnswer(body)) { BaseAddress = address };
        stubServices = new ServiceCollection().AddSecretsClient(o => o.BaseAddress = address)
            .ConfigurePrimaryHttpMessageHandler(() => new CannedAnswer(body)).Services.BuildServiceProvider();
        clientStub = stubServices.GetRequiredService<SecretsClient>();
        cache = new SecretsValueCache(client, new SecretsValueCacheOptions { Ttl = TimeSpan.FromHours(1) });
        path = "/api/secrets/value?uri=" + System.Uri.EscapeDataString(Uri);
        if (cache.GetStringAsync(Uri).AsTask().GetAwaiter().GetResult() != "s3cr3t-value-0123456789abcdef")
            throw new InvalidOperationException("CLIENT check FAILED: the cache did not read the value");
        Console.WriteLine("CLIENT check setup OK");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        services?.Dispose();
        bareServices?.Dispose();
        stubServices?.Dispose();
        rawStub?.Dispose();
        raw?.Dispose();
        server?.StopAsync().GetAwaiter().GetResult();
        (server as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public async Task<JsonNode?> RawHttpClient()
    {
        using var response = await raw!.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())?["value"];
    }

    [Benchmark]
    public async Task<JsonNode?> ClientMiss() => (await client!.ReadAsync(Uri)).Value;

    /// <summary>The same read without the retry pipeline (<c>MaxRetries = 0</c>): what the retries cost.</summary>
    [Benchmark]
    public async Task<JsonNode?> ClientMissNoRetries() => (await bare!.ReadAsync(Uri)).Value;

    /// <summary>The raw call's own cost, over a handler that answers at once.</summary>
    [Benchmark]
    public async Task<JsonNode?> RawStub()
    {
        using var response = await rawStub!.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())?["value"];
    }

    /// <summary>The client's own cost (its handlers, request and typed answer), over a handler that answers at once.</summary>
    [Benchmark]
    public async Task<JsonNode?> ClientStub() => (await clientStub!.ReadAsync(Uri)).Value;

    [Benchmark]
    public ValueTask<string> CacheHit() => cache!.GetStringAsync(Uri);

    /// <summary>Answers every request with the fixed read, as the endpoint does, without a socket.</summary>
    private sealed class CannedAnswer(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            response.Headers.TryAddWithoutValidation(SecretsClient.GrantExpiresInHeader, "300");
            return Task.FromResult(response);
        }
    }
}
