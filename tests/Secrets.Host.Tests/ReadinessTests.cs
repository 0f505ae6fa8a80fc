using System.Net;
using Secrets.Testing;

namespace Secrets.Host.Tests;

public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_is_503_when_the_provider_file_cannot_be_read_while_live_stays_200()
    {
        using var host = new SecretsHostFactory(null, yamlContent: "secret: [broken");
        var client = host.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Ready_is_503_when_a_configured_kv2_server_is_unreachable()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test", ["OPENBAO_URL"] = "http://127.0.0.1:1", ["OPENBAO_TOKEN"] = "t", ["VAULT_TIMEOUT"] = "1",
        });
        var client = host.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        await (await client.GetAsync("/api/secrets/value?uri=openbao%2Bkv2%3A%2F%2Fsecret%2Fx"))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
    }
}
