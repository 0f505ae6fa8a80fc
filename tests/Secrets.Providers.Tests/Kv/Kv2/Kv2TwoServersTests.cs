using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Secrets.Providers.DevServer;
using Secrets.Testing;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>OPENBAO_* and HASHICORP_* bind separately: the two schemes can live on two different servers at once.</summary>
public sealed class Kv2TwoServersTests : IAsyncLifetime
{
    private readonly EmbeddedKv2Server bao = new(new EmbeddedKv2Options("http://127.0.0.1:0", "bao-token"), TimeProvider.System);
    private readonly EmbeddedKv2Server vault = new(new EmbeddedKv2Options("http://127.0.0.1:0", "vault-token"), TimeProvider.System);

    public async Task InitializeAsync()
    {
        await bao.StartAsync(CancellationToken.None);
        await vault.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await bao.DisposeAsync();
        await vault.DisposeAsync();
    }

    [Fact]
    public async Task Each_scheme_writes_to_its_own_server_with_its_own_token()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test",
            ["OPENBAO_URL"] = bao.BaseAddress.ToString(), ["OPENBAO_TOKEN"] = "bao-token",
            ["HASHICORP_URL"] = vault.BaseAddress.ToString(), ["HASHICORP_TOKEN"] = "vault-token",
        });
        var client = host.CreateClient();

        (await client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/where", value = new { k = "on-bao" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync("/api/secrets", new { uri = "hashicorp+kv2://secret/where", value = new { k = "on-vault" } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await RawRead(bao, "bao-token"))!["k"]!.GetValue<string>().ShouldBe("on-bao");
        (await RawRead(vault, "vault-token"))!["k"]!.GetValue<string>().ShouldBe("on-vault");
    }

    private static async Task<JsonNode?> RawRead(EmbeddedKv2Server server, string token)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/secret/data/where");
        request.Headers.Add("X-Vault-Token", token);
        var body = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonNode>();
        return body?["data"]?["data"];
    }
}
