using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.ReadSecretValue;

public sealed class ReadSecretValueTests : HostedSliceTest
{
    [Fact]
    public async Task Fragment_read_returns_the_one_value_with_the_canonical_uri()
    {
        var body = await (await Client.GetAsync($"/api/secrets/value?uri={Q("YAML://secret/env#MY_API_KEY")}")).ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe("yaml://secret/env#MY_API_KEY");
        body["value"]!.GetValue<string>().ShouldBe("dev-api-key");
        body["version"].ShouldBeNull();
    }

    [Fact]
    public async Task Read_without_fragment_returns_the_whole_map()
    {
        var body = await (await Client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/app/db")}")).ShouldBeOkJsonAsync();

        body["value"]!["username"]!.GetValue<string>().ShouldBe("app");
        body["value"]!["password"]!.GetValue<string>().ShouldBe("db-password");
    }

    [Theory]
    [InlineData("yaml://secret/nope#x", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#NOPE", HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND")]
    [InlineData("yaml://secret/env#MY_API_KEY?version=2", HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED")]
    [InlineData("yaml://other/env#MY_API_KEY", HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH")]
    [InlineData("yaml://secret/../env#MY_API_KEY", HttpStatusCode.BadRequest, "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret/*", HttpStatusCode.BadRequest, "INVALID_WILDCARD")]
    [InlineData("vault://secret/env", HttpStatusCode.BadRequest, "UNSUPPORTED_PROVIDER")]
    [InlineData("yaml+kv2://secret/env", HttpStatusCode.BadRequest, "UNSUPPORTED_ENGINE")]
    [InlineData("yaml://host:1/secret/env", HttpStatusCode.BadRequest, "AMBIGUOUS_MOUNT")]
    [InlineData("yaml://secret/env?foo=1", HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY")]
    [InlineData("not a uri", HttpStatusCode.BadRequest, "MALFORMED_URI")]
    [InlineData("openbao+kv2://secret/app#k", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    public async Task Failures_answer_with_the_typed_code(string uri, HttpStatusCode status, string code)
    {
        await (await Client.GetAsync($"/api/secrets/value?uri={Q(uri)}")).ShouldBeProblemAsync(status, code);
    }

    [Fact]
    public async Task Version_parameter_pins_and_is_refused_by_yaml_with_501()
    {
        await (await Client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}&version=1"))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        await (await Client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}&version=0"))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await Client.GetAsync("/api/secrets/value"))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }
}
