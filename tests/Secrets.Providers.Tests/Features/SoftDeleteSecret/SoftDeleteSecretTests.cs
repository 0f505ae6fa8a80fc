using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.SoftDeleteSecret;

public sealed class SoftDeleteSecretTests : HostedSliceTest
{
    [Fact]
    public async Task Deleting_a_path_removes_it_and_leaves_its_neighbours()
    {
        (await Client.DeleteAsync($"/api/secrets?uri={Q("yaml://secret/env")}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/env")}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/app/db")}")).ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task Deleting_a_fragment_removes_only_that_key()
    {
        (await Client.DeleteAsync($"/api/secrets?uri={Q("yaml://secret/env#OTHER")}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var body = await (await Client.GetAsync($"/api/secrets?uri={Q("yaml://secret/env")}")).ShouldBeOkJsonAsync();
        body.AsObject().Select(p => p.Key).ShouldBe(["MY_API_KEY"]);
    }

    [Theory]
    [InlineData("yaml://secret/missing", false, HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#MISSING", false, HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND")]
    [InlineData("yaml://secret/env", true, HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED")]
    [InlineData("yaml://secret/env#OTHER", true, HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED")]
    [InlineData("yaml://secret/env?version=1", false, HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY")]
    [InlineData("yaml://nope/env", false, HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH")]
    public async Task Failures_are_typed_and_nothing_is_removed(string uri, bool destroy, HttpStatusCode status, string code)
    {
        var before = await File.ReadAllBytesAsync(Host.YamlPath);
        await (await Client.DeleteAsync($"/api/secrets?uri={Q(uri)}&destroy={destroy.ToString().ToLowerInvariant()}")).ShouldBeProblemAsync(status, code);
        (await File.ReadAllBytesAsync(Host.YamlPath)).ShouldBe(before);
    }
}
