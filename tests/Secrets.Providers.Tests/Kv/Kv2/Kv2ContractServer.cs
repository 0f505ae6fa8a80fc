using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Kv2;
using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// A KVv2 server the contract suite talks to: the production <see cref="Kv2Store"/> built as the
/// host builds it (<see cref="Kv2Registration.AddKv2Store"/>), plus a raw HTTP client with the
/// token for what the store cannot do itself (path config such as <c>max_versions</c>).
/// </summary>
internal sealed class Kv2ContractServer : IDisposable
{
    private readonly ServiceProvider services;
    private readonly HttpClient raw;
    private readonly string mount;
    private readonly string token;

    public Kv2ContractServer(Uri address, string token, string mount = "secret")
    {
        this.mount = mount;
        this.token = token;
        var options = Kv2Options.Bind("openbao+kv2", _ => null, ["OPENBAO", "VAULT"], address, token);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddKv2Store(options, _ => new Kv2Server(() => address));
        services = collection.BuildServiceProvider();
        Store = services.GetRequiredService<IKvStore>();
        raw = new HttpClient { BaseAddress = address };
        raw.DefaultRequestHeaders.Add(Kv2HttpClient.TokenHeader, token);
    }

    public IKvStore Store { get; }

    /// <summary>The store's HTTP client, as the host builds it.</summary>
    public Kv2HttpClient Client => ((Kv2Store)Store).Client;

    /// <summary>Runs KV v2 table cases over the raw HTTP client.</summary>
    public Kv2CaseRunner Runner => new(raw, token);

    /// <summary>POST /v1/&lt;mount&gt;/metadata/&lt;path&gt; {"max_versions": n}.</summary>
    public async Task ConfigureMaxVersionsAsync(string path, int maxVersions)
    {
        using var response = await raw.PostAsJsonAsync($"v1/{mount}/metadata/{path}", new { max_versions = maxVersions });
        response.IsSuccessStatusCode.ShouldBeTrue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>One raw request with the token (a mount to enable, a config to set, a concurrent writer); the status and body.</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, "v1/" + path);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await raw.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        raw.Dispose();
        services.Dispose();
    }
}
