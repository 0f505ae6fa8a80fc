using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.SearchSecrets;

public sealed class SearchSecretsTests : HostedSliceTest
{
    [Fact]
    public async Task Search_finds_paths_and_key_names_case_insensitively_and_pages()
    {
        var body = await (await Client.GetAsync($"/api/secrets/search?q=API&prefix={Q("yaml://secret/*")}")).ShouldBeOkJsonAsync();
        body["items"]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ShouldBe(["yaml://secret/env#MY_API_KEY"]);

        var db = await (await Client.GetAsync($"/api/secrets/search?q=d&prefix={Q("yaml://secret/*")}&limit=1")).ShouldBeOkJsonAsync();
        db["total"]!.GetValue<int>().ShouldBe(2);   // the path app/db and the key "password"
        db["items"]!.AsArray().Count.ShouldBe(1);
        db["nextOffset"]!.GetValue<int>().ShouldBe(1);
        db.ToJsonString().ShouldNotContain("db-password");
    }

    [Theory]
    [InlineData("yaml://secret/")]
    [InlineData("yaml://secret")]
    public async Task A_trailing_slash_or_a_bare_mount_is_the_star_prefix(string prefix)
    {
        var star = await (await Client.GetAsync($"/api/secrets/search?q=d&prefix={Q("yaml://secret/*")}")).ShouldBeOkJsonAsync();

        var same = await (await Client.GetAsync($"/api/secrets/search?q=d&prefix={Q(prefix)}")).ShouldBeOkJsonAsync();

        same.ToJsonString().ShouldBe(star.ToJsonString());
    }

    [Theory]
    [InlineData("q=&prefix=yaml%3A%2F%2Fsecret%2F*", "INVALID_REQUEST")]
    [InlineData("q=x", "INVALID_REQUEST")]
    [InlineData("q=x&prefix=yaml%3A%2F%2Fsecret%2F*&limit=100000", "INVALID_REQUEST")]
    [InlineData("q=x&prefix=yaml%3A%2F%2Fsecret%2F*%2Fx", "INVALID_WILDCARD")]
    public async Task Bad_search_input_is_400(string query, string code) =>
        await (await Client.GetAsync($"/api/secrets/search?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
}
