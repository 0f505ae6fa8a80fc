using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.ReadYamlSecret;

public sealed class ReadYamlSecretTests : HostedSliceTest
{
    [Fact]
    public async Task Without_fragment_the_map_is_returned()
    {
        var body = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/env")}")).ShouldBeOkJsonAsync();
        body["MY_API_KEY"]!.GetValue<string>().ShouldBe("dev-api-key");
        body["OTHER"]!.GetValue<string>().ShouldBe("other-value");
    }

    [Fact]
    public async Task With_fragment_the_value_is_wrapped()
    {
        var body = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/env#OTHER")}")).ShouldBeOkJsonAsync();
        body.ToJsonString().ShouldBe("""{"value":"other-value"}""");
    }

    [Theory]
    [InlineData("yaml://secret/missing", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/app", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#MISSING", HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND")]
    [InlineData("openbao+kv2://secret/env", HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED")]
    [InlineData("openbao+kv1://secret/env", HttpStatusCode.BadRequest, "UNSUPPORTED_ENGINE")]
    [InlineData("yaml://secret/%2Fetc", HttpStatusCode.BadRequest, "ILLEGAL_SEGMENT")]
    public async Task Failures_are_typed(string uri, HttpStatusCode status, string code) =>
        await (await Client.GetAsync($"/api/secrets?uri={Q(uri)}")).ShouldBeProblemAsync(status, code);
}
