using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features;

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
    [InlineData("yaml://secret/nothing-here", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#MY_API_KEY", HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED")]
    [InlineData("yaml://secret/a*", HttpStatusCode.BadRequest, "INVALID_WILDCARD")]
    public async Task Failures_are_typed(string uri, HttpStatusCode status, string code) =>
        await (await Client.GetAsync($"/api/secrets/keys?uri={Q(uri)}")).ShouldBeProblemAsync(status, code);
}

public sealed class ListMetadataTests() : HostedSliceTest(new Dictionary<string, string?> { ["LIST_MAX_LIMIT"] = "3" })
{
    private async Task SeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
            (await Client.PostJsonAsync("/api/secrets", new { uri = $"yaml://secret/bulk/s{i:00}", value = new { key = $"canary-value-{i}" } })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Listing_is_sorted_paginated_and_carries_key_names_but_never_values()
    {
        await SeedAsync(5);

        var first = await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/bulk/*")}&limit=2")).ShouldBeOkJsonAsync();
        var second = await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/bulk/*")}&limit=2&offset=2")).ShouldBeOkJsonAsync();
        var last = await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/bulk/*")}&limit=2&offset=4")).ShouldBeOkJsonAsync();

        Uris(first).ShouldBe(["yaml://secret/bulk/s00", "yaml://secret/bulk/s01"]);
        Uris(second).ShouldBe(["yaml://secret/bulk/s02", "yaml://secret/bulk/s03"]);
        Uris(last).ShouldBe(["yaml://secret/bulk/s04"]);
        first["total"]!.GetValue<int>().ShouldBe(5);
        first["nextOffset"]!.GetValue<int>().ShouldBe(2);
        last["nextOffset"].ShouldBeNull();
        first["items"]![0]!["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["key"]);
        (first.ToJsonString() + second.ToJsonString() + last.ToJsonString()).ShouldNotContain("canary-value");
    }

    [Fact]
    public async Task Whole_mount_listing_walks_every_level()
    {
        var all = await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret")}&limit=3")).ShouldBeOkJsonAsync();
        Uris(all).ShouldBe(["yaml://secret/app/db", "yaml://secret/env"]);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=4")]
    [InlineData("offset=-1")]
    [InlineData("limit=abc")]
    public async Task Paging_outside_its_limits_is_400(string paging) =>
        await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/*")}&{paging}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("yaml://secret/a/*/b", HttpStatusCode.BadRequest, "INVALID_WILDCARD")]
    [InlineData("yaml://other/*", HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH")]
    public async Task Bad_prefixes_are_typed(string prefix, HttpStatusCode status, string code) =>
        await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q(prefix)}")).ShouldBeProblemAsync(status, code);

    private static string[] Uris(JsonNode page) => page["items"]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ToArray();
}

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
    [InlineData("q=&prefix=yaml%3A%2F%2Fsecret%2F*", "INVALID_REQUEST")]
    [InlineData("q=x", "INVALID_REQUEST")]
    [InlineData("q=x&prefix=yaml%3A%2F%2Fsecret%2F*&limit=100000", "INVALID_REQUEST")]
    [InlineData("q=x&prefix=yaml%3A%2F%2Fsecret%2F*%2Fx", "INVALID_WILDCARD")]
    public async Task Bad_search_input_is_400(string query, string code) =>
        await (await Client.GetAsync($"/api/secrets/search?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
}
