using System.Text;

namespace Secrets.Providers.DevServer.Tests;

/// <summary>One embedded server per test class, on a free loopback port, with a manual clock.</summary>
public sealed class DevServerFixture : IAsyncLifetime
{
    public const string Root = "root";

    public ManualClock Clock { get; } = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));

    internal EmbeddedKv2Server Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = new EmbeddedKv2Server(new EmbeddedKv2Options("http://127.0.0.1:0", Root), Clock);
        await Server.StartAsync(CancellationToken.None);
        Http = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Sends one raw request; the token goes in X-Vault-Token unless it is null.</summary>
    public async Task<VaultReply> Call(string method, string path, string? json = null, string? token = Root,
        string contentType = "application/json", (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "v1/" + path);
        if (token is not null)
            request.Headers.Add("X-Vault-Token", token);
        if (header is { } h)
            request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new VaultReply((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<VaultReply> Write(string path, string json, string mount = "secret")
    {
        var reply = await Call("POST", $"{mount}/data/{path}", json);
        reply.Status.ShouldBe(200, reply.Body);
        return reply;
    }

    /// <summary>A fresh KVv2 mount, for tests that change mount-wide config.</summary>
    public async Task<string> NewMount()
    {
        var name = "kv" + Guid.NewGuid().ToString("N")[..12];
        var reply = await Call("POST", $"sys/mounts/{name}", """{"type":"kv","options":{"version":"2"}}""");
        reply.Status.ShouldBe(204, reply.Body);
        return name;
    }
}
