using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.ListKeys;

public sealed class ListKeysTests : HostedSliceTest
{
    [Fact]
    public async Task Keys_are_one_level_with_folders_marked_like_vault_list()
    {
        var body = await (await Client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret")}")).ShouldBeOkJsonAsync();
        body["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["app/", "env"]);

        var below = await (await Client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret/app")}")).ShouldBeOkJsonAsync();
        below["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["db"]);
    }

    [Theory]
    [InlineData("yaml://secret/", "yaml://secret/*", "app/,env")]
    [InlineData("yaml://secret/app/", "yaml://secret/app/*", "db")]
    public async Task A_trailing_slash_is_the_same_prefix(string uri, string canonical, string names)
    {
        var body = await (await Client.GetAsync($"/api/secrets/keys?uri={Q(uri)}")).ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe(canonical);
        body["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(names.Split(','));
    }

    [Theory]
    [InlineData("yaml://secret/nothing-here", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret//", HttpStatusCode.BadRequest, "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret/env#MY_API_KEY", HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED")]
    [InlineData("yaml://secret/a*", HttpStatusCode.BadRequest, "INVALID_WILDCARD")]
    public async Task Failures_are_typed(string uri, HttpStatusCode status, string code) =>
        await (await Client.GetAsync($"/api/secrets/keys?uri={Q(uri)}")).ShouldBeProblemAsync(status, code);
}
