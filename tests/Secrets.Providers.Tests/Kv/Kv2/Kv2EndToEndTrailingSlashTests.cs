using System.Text.Json.Nodes;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// A prefix with a trailing slash (<c>openbao+kv2://secret/app/</c>, as Vault's LIST takes <c>metadata/app/</c>)
/// is the same prefix as <c>…/app/*</c> for keys, the metadata listing and search, on both KVv2 providers.
/// </summary>
public sealed class Kv2EndToEndTrailingSlashTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    public static TheoryData<string> Providers => new() { "openbao+kv2", "hashicorp+kv2" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_trailing_slash_lists_keys_metadata_and_search_results_as_the_star_prefix_does(string scheme)
    {
        var root = NewPath("slash");
        await WriteAsync($"{scheme}://secret/{root}/db-main", new { user = "value-main" });
        await WriteAsync($"{scheme}://secret/{root}/nested/db-replica", new { user = "value-replica" });
        var slash = $"{scheme}://secret/{root}/";
        var star = $"{scheme}://secret/{root}/*";

        var keys = await OkAsync(await Client.GetAsync($"/api/secrets/keys?uri={Q(slash)}"));
        var starKeys = await OkAsync(await Client.GetAsync($"/api/secrets/keys?uri={Q(star)}"));
        keys["uri"]!.GetValue<string>().ShouldBe(star);   // one canonical form
        Names(keys["keys"]!).ShouldBe(["db-main", "nested/"]);
        Names(keys["keys"]!).ShouldBe(Names(starKeys["keys"]!));

        var listed = await OkAsync(await Client.GetAsync($"/api/secrets/metadata?prefix={Q(slash)}"));
        Uris(listed).ShouldBe([$"{scheme}://secret/{root}/db-main", $"{scheme}://secret/{root}/nested/db-replica"]);

        var found = await OkAsync(await Client.GetAsync($"/api/secrets/search?q=db&prefix={Q(slash)}"));
        var foundStar = await OkAsync(await Client.GetAsync($"/api/secrets/search?q=db&prefix={Q(star)}"));
        found.ToJsonString().ShouldBe(foundStar.ToJsonString());
        Bodies.ShouldAllBe(b => !b.Contains("value-"));
    }

    private static IReadOnlyList<string> Names(JsonNode array) => array.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static IReadOnlyList<string> Uris(JsonNode page) => page["items"]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ToList();
}
