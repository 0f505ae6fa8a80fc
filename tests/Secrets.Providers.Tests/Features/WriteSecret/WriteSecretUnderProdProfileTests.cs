using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.WriteSecret;

public sealed class WriteSecretUnderProdProfileTests() : HostedSliceTest(SecretsHostFactory.ProdWithYaml)
{
    [Fact]
    public async Task Yaml_write_outside_dev_and_test_is_403_ENVIRONMENT_GUARD_and_the_file_is_unchanged()
    {
        var before = await File.ReadAllBytesAsync(Host.YamlPath);

        await (await Client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/env#MY_API_KEY", value = "changed" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        await (await Client.DeleteAsync($"/api/secrets?uri={Q("yaml://secret/env")}"))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");

        (await File.ReadAllBytesAsync(Host.YamlPath)).ShouldBe(before);
        var read = await (await Client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).ShouldBeOkJsonAsync();
        read["value"]!.GetValue<string>().ShouldBe("dev-api-key");
    }
}
