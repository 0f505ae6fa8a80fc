using System.Net;
using System.Text.Json.Nodes;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>keys, metadata?prefix= and search on KVv2: LIST traversal of the embedded server, paging, never values.</summary>
public sealed class Kv2EndToEndListingTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    private async Task<string> TreeAsync()
    {
        var root = NewPath("tree");
        await WriteAsync(Ob($"{root}/alpha-db"), new { user = "value-alpha" });
        await WriteAsync(Ob($"{root}/nested/DB-replica"), new { user = "value-replica" });
        await WriteAsync(Ob($"{root}/nested/deeper/cache"), new { host = "value-cache" });
        await WriteAsync(Ob($"{root}/zulu"), new { token = "value-zulu" });
        return root;
    }

    private static IReadOnlyList<string> Strings(JsonNode array) => array.AsArray().Select(n => n!.GetValue<string>()).ToList();

    [Fact]
    public async Task Keys_lists_one_level_as_the_server_LIST_does()
    {
        var root = await TreeAsync();

        var response = await Client.GetAsync($"/api/secrets/keys?uri={Q(Ob(root))}");

        var body = await OkAsync(response);
        body["uri"]!.GetValue<string>().ShouldBe(Ob(root));
        Strings(body["keys"]!).ShouldBe(["alpha-db", "nested/", "zulu"]);
        var raw = await RawGetAsync($"secret/metadata/{root}?list=true");
        Strings(raw.Data["keys"]!).ShouldBe(Strings(body["keys"]!));
        Strings((await OkAsync(await Client.GetAsync($"/api/secrets/keys?uri={Q(Hc(root + "/nested"))}")))["keys"]!).ShouldBe(["DB-replica", "deeper/"]);
        await AuditedAsync(response, "SECRET_METADATA_READ", "success", "read_metadata");

        await ProblemAsync(await Client.GetAsync($"/api/secrets/keys?uri={Q(Ob(NewPath("empty")))}"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        Bodies.ShouldAllBe(b => !b.Contains("value-"));
    }

    [Fact]
    public async Task Metadata_listing_walks_the_tree_pages_and_has_no_values()
    {
        var root = await TreeAsync();
        await WriteAsync(Ob($"{root}/zulu"), new { token = "value-zulu-2" });
        string[] all = [$"{root}/alpha-db", $"{root}/nested/DB-replica", $"{root}/nested/deeper/cache", $"{root}/zulu"];

        var first = await OkAsync(await Client.GetAsync($"/api/secrets/metadata?prefix={Q(Ob(root + "/*"))}&limit=3"));
        var second = await OkAsync(await Client.GetAsync($"/api/secrets/metadata?prefix={Q(Ob(root + "/*"))}&limit=3&offset=3"));

        first["total"]!.GetValue<int>().ShouldBe(4);
        first["nextOffset"]!.GetValue<int>().ShouldBe(3);
        second["nextOffset"].ShouldBeNull();
        var items = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(i => i!).ToList();
        items.Select(i => Str(i["uri"])).ShouldBe(all.Select(p => Ob(p)));
        items.Single(i => Str(i["uri"]) == Ob($"{root}/zulu"))["currentVersion"]!.GetValue<int>().ShouldBe(2);
        items.ShouldAllBe(i => i["createdTime"] != null && i["updatedTime"] != null);
        var noStar = await OkAsync(await Client.GetAsync($"/api/secrets/metadata?prefix={Q(Ob(root))}"));
        noStar["total"]!.GetValue<int>().ShouldBe(4);
        Bodies.ShouldAllBe(b => !b.Contains("value-"));
    }

    [Fact]
    public async Task Search_finds_paths_below_the_prefix_by_LIST_traversal_case_insensitively()
    {
        var root = await TreeAsync();

        var response = await Client.GetAsync($"/api/secrets/search?q=db&prefix={Q(Ob(root + "/*"))}");

        var body = await OkAsync(response);
        var hits = body["items"]!.AsArray().Select(h => (Str(h!["uri"]), Str(h!["match"]))).ToList();
        hits.ShouldContain((Ob($"{root}/alpha-db"), "path"));
        hits.ShouldContain((Ob($"{root}/nested/DB-replica"), "path"));
        hits.Where(h => h.Item2 == "path").Count().ShouldBe(2);
        await AuditedAsync(response, "SECRET_METADATA_READ", "success", "read_metadata");

        var paged = await OkAsync(await Client.GetAsync($"/api/secrets/search?q=e&prefix={Q(Hc(root + "/*"))}&limit=1"));
        paged["items"]!.AsArray().Count.ShouldBe(1);
        paged["nextOffset"]!.GetValue<int>().ShouldBe(1);
        var deep = await OkAsync(await Client.GetAsync($"/api/secrets/search?q=cache&prefix={Q(Ob(root + "/*"))}"));
        deep["items"]!.AsArray().Select(h => Str(h!["uri"])).ShouldContain(Ob($"{root}/nested/deeper/cache"));
        Bodies.ShouldAllBe(b => !b.Contains("value-"));
    }
}
