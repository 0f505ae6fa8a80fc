using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Kv2;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using WireMock.RequestBuilders;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The seam to the embedded dev KVv2 server: Providers decides when a KVv2 server inside the process is
/// wanted, asks the host's hook for one, and then knows it only as <see cref="IInProcessKv2Server"/>.
/// </summary>
public sealed class Kv2ProvidersTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer server = ScriptedHttp.Start();

    public void Dispose()
    {
        server.Stop();
        server.Dispose();
    }

    private static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }

    [Theory]
    [InlineData(DeploymentProfile.Dev)]
    [InlineData(DeploymentProfile.Test)]
    public void A_url_of_dev_without_the_hosts_hook_refuses_to_start(DeploymentProfile profile)
    {
        var builder = Builder(("VAULT_URL", "dev"));

        Should.Throw<InvalidOperationException>(() => builder.AddKv2Providers(profile, null))
            .Message.ShouldContain("this host does not include it");
    }

    [Fact]
    public void A_hook_that_registers_no_server_refuses_to_start()
    {
        var builder = Builder(("VAULT_URL", "dev"));

        Should.Throw<InvalidOperationException>(() => builder.AddKv2Providers(DeploymentProfile.Dev, _ => { }))
            .Message.ShouldContain("was not registered");
    }

    [Fact]
    public void Prod_refuses_a_url_of_dev_before_asking_the_hook()
    {
        var builder = Builder(("VAULT_URL", "dev"));
        var asked = false;

        Should.Throw<InvalidOperationException>(() => builder.AddKv2Providers(DeploymentProfile.Prod, _ => asked = true))
            .Message.ShouldContain("refused outside ENVIRONMENT=dev and test");
        asked.ShouldBeFalse();
    }

    [Theory]
    [InlineData(DeploymentProfile.Test, "https://bao.example:8200")]
    [InlineData(DeploymentProfile.Prod, "https://bao.example:8200")]
    public void With_real_urls_the_hook_is_never_asked(DeploymentProfile profile, string url)
    {
        var builder = Builder(("VAULT_URL", url), ("VAULT_TOKEN", "t"));
        var asked = false;

        builder.AddKv2Providers(profile, _ => asked = true);

        asked.ShouldBeFalse();
    }

    [Fact]
    public async Task The_stores_use_the_in_process_servers_address_and_token_as_the_contract_gives_them()
    {
        server.Given(Request.Create().WithPath("/v1/auth/token/lookup-self").UsingGet())
            .RespondWith(Json(200, """{"data":{"ttl":0,"renewable":false}}"""));
        server.Given(Request.Create().WithPath("/v1/secret/data/app").UsingGet())
            .RespondWith(Json(200, """{"data":{"data":{"k":"v"},"metadata":{"version":1,"created_time":"2024-01-01T00:00:00Z","deletion_time":"","destroyed":false}}}"""));
        var builder = Builder();   // dev with no URL at all: both schemes use the in-process server
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddKv2Providers(DeploymentProfile.Dev, b =>
            b.Services.AddSingleton<IInProcessKv2Server>(new StubInProcessKv2Server(new Uri(server.Url! + "/"), "stub-token")));
        using var services = builder.Services.BuildServiceProvider();
        var stores = services.GetServices<IKvStore>().ToList();

        stores.Select(s => s.Scheme).ShouldBe(["openbao+kv2", "hashicorp+kv2"], ignoreOrder: true);
        foreach (var store in stores)
            (await store.ReadAsync(new KvPath("secret", "app"), null, CancellationToken.None))!.Data.ShouldBe(SecretMap.Of("k", "v"));
        server.LogEntries.Where(e => e.RequestMessage.Path == "/v1/secret/data/app")
            .Select(e => Header(e, "X-Vault-Token")).ShouldBe(["stub-token", "stub-token"]);
    }
}
