namespace Secrets.Providers.DevServer.Tests.Conformance;

/// <summary>One dev server on a free loopback port with the system clock, shared by a test class.</summary>
public sealed class SystemClockDevServer : IAsyncLifetime
{
    public const string Token = "root";

    internal EmbeddedKv2Server Server { get; } = new(new EmbeddedKv2Options("http://127.0.0.1:0", Token), TimeProvider.System);

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.StartAsync(CancellationToken.None);
        Http = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
