using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Testing;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The default dev host (embedded KVv2 server on a free port) shared by one test class, plus a
/// recorder of every request the host's HttpClients send (the KVv2 providers' calls to the
/// server) and a raw client for the server's Vault API to check stored state.
/// </summary>
public sealed class Kv2EndToEndHost : SecretsHostFactory
{
    public Kv2EndToEndHost()
        : base(null)
    {
    }

    /// <summary>"METHOD /v1/…" of every request the host sent through an IHttpClientFactory client.</summary>
    public ConcurrentQueue<string> ProviderRequests { get; } = new();

    private HttpClient? raw;

    /// <summary>Straight to the embedded server, root token, not through the host.</summary>
    public HttpClient Raw => raw ??= new HttpClient
    {
        BaseAddress = Services.GetRequiredService<IInProcessKv2Server>().BaseAddress,
        DefaultRequestHeaders = { { "X-Vault-Token", "root" } },
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new RecordingHandler(ProviderRequests))));
    }

    protected override void Dispose(bool disposing)
    {
        raw?.Dispose();
        base.Dispose(disposing);
    }

    private sealed class RecordingHandler(ConcurrentQueue<string> log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log.Enqueue(request.Method.Method + " " + request.RequestUri?.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
