using Secrets.Providers.Kv;
using Secrets.Providers.DevServer;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>The versioned contract against the embedded dev KVv2 server, through the real KVv2 client.</summary>
public sealed class EmbeddedKv2StoreTests(EmbeddedKv2StoreTests.Server server)
    : VersionedKvStoreContract, IClassFixture<EmbeddedKv2StoreTests.Server>
{
    private protected override Task<IKvStore> CreateStoreAsync() => Task.FromResult(server.Kv2.Store);

    protected override Task ConfigureMaxVersionsAsync(string path, int maxVersions) => server.Kv2.ConfigureMaxVersionsAsync(path, maxVersions);

    /// <summary>One server per test class, on a free loopback port, with the system clock.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private EmbeddedKv2Server? embedded;

        internal Kv2ContractServer Kv2 { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            embedded = new EmbeddedKv2Server(new EmbeddedKv2Options("http://127.0.0.1:0", "root"), TimeProvider.System);
            await embedded.StartAsync(CancellationToken.None);
            Kv2 = new Kv2ContractServer(embedded.BaseAddress, "root");
        }

        public async Task DisposeAsync()
        {
            Kv2?.Dispose();
            if (embedded is not null)
                await embedded.DisposeAsync();
        }
    }
}
