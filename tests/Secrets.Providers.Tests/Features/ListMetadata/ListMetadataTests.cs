using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Features.ListMetadata;

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

    [Theory]
    [InlineData("yaml://secret")]
    [InlineData("yaml://secret/")]
    [InlineData("yaml://secret/*")]
    public async Task Whole_mount_listing_walks_every_level(string prefix)
    {
        var all = await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q(prefix)}&limit=3")).ShouldBeOkJsonAsync();
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
    [InlineData("yaml://secret/app//", HttpStatusCode.BadRequest, "ILLEGAL_SEGMENT")]
    [InlineData("yaml://other/*", HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH")]
    public async Task Bad_prefixes_are_typed(string prefix, HttpStatusCode status, string code) =>
        await (await Client.GetAsync($"/api/secrets/metadata?prefix={Q(prefix)}")).ShouldBeProblemAsync(status, code);

    private static string[] Uris(JsonNode page) => page["items"]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ToArray();
}
