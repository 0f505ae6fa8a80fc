using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// Permission-filtered listings (docs/AUTHORIZATION.md#filtered-listings): with authorization on, metadata listing,
/// keys and search show only the entries the caller may <c>read_metadata</c>, say so (<c>filtered</c>), and count and
/// page only those. A caller allowed on 3 of the 10 secrets under <c>team/</c> gets exactly the answers it would get
/// if the other 7 did not exist: <c>solo/</c> holds just those 3 names, all allowed, and every answer for
/// <c>team/</c> equals the one for <c>solo/</c> with the folder renamed.
/// </summary>
public sealed class FilteredListingTests : IDisposable
{
    private const string Team = "openbao+kv2://secret/team";
    private const string Solo = "openbao+kv2://secret/solo";
    private static readonly string[] Allowed = ["s1", "s4", "s7"];

    private const string Policies = """
        version: 1
        rules:
          - id: writer
            subjects: [anonymous]
            resources: ["openbao+kv2://secret/*"]
            purposes: [write]
          - id: three-of-ten
            subjects: [anonymous]
            resources: ["openbao+kv2://secret/team/s1", "openbao+kv2://secret/team/s4", "openbao+kv2://secret/team/s7"]
            purposes: [read_metadata]
          - id: all-of-solo
            subjects: [anonymous]
            resources: ["openbao+kv2://secret/solo/*"]
            purposes: [read_metadata]
        """;

    private readonly List<SecretsHostFactory> hosts = [];

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
    }

    private async Task<HttpClient> StartAsync(string policies = Policies, params (string Key, string? Value)[] settings)
    {
        var config = new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true", ["RATE_LIMIT_PER_CLIENT_RPS"] = "0" };
        foreach (var (key, value) in settings)
            config[key] = value;
        var host = new SecretsHostFactory(config, policies: policies);
        hosts.Add(host);
        var client = host.CreateClient();
        for (var i = 0; i < 10; i++)
            await WriteAsync(client, $"{Team}/s{i}");
        foreach (var name in Allowed)
            await WriteAsync(client, $"{Solo}/{name}");
        return client;
    }

    private static async Task WriteAsync(HttpClient client, string uri) =>
        (await client.PostJsonAsync("/api/secrets", new { uri, value = new { password = "pw-" + uri.GetHashCode(), user = "u" } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

    private static async Task<JsonNode> MetadataAsync(HttpClient client, string folder, string paging = "") =>
        await (await client.GetAsync($"/api/secrets/metadata?prefix={Q(folder + "/*")}{paging}")).ShouldBeOkJsonAsync();

    /// <summary>A listing answer without what differs between two writes of the same name (times), its folder's name a placeholder.</summary>
    private static string Shape(JsonNode body, string folder)
    {
        var copy = JsonNode.Parse(body.ToJsonString())!;
        foreach (var item in copy["items"]?.AsArray() ?? [])
        {
            item!.AsObject().Remove("createdTime");
            item.AsObject().Remove("updatedTime");
        }
        return copy.ToJsonString().Replace(folder[folder.LastIndexOf('/')..], "/<folder>", StringComparison.Ordinal);
    }

    private static List<string> Uris(JsonNode page, string member = "items") =>
        page[member]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Metadata_listing_shows_exactly_the_three_allowed_and_counts_only_them()
    {
        var client = await StartAsync();

        var page = await MetadataAsync(client, Team);

        Uris(page).ShouldBe(Allowed.Select(n => $"{Team}/{n}"));
        page["total"]!.GetValue<int>().ShouldBe(3);
        page["nextOffset"].ShouldBeNull();
        page["filtered"]!.GetValue<bool>().ShouldBeTrue();
        Shape(page, Team).ShouldBe(Shape(await MetadataAsync(client, Solo), Solo));
    }

    [Fact]
    public async Task Pages_and_cursors_count_only_what_the_caller_sees()
    {
        var client = await StartAsync();

        var first = await MetadataAsync(client, Team, "&limit=2");
        var second = await MetadataAsync(client, Team, "&limit=2&offset=2");
        var beyond = await MetadataAsync(client, Team, "&limit=2&offset=3");

        Uris(first).ShouldBe([$"{Team}/s1", $"{Team}/s4"]);
        (first["total"]!.GetValue<int>(), first["nextOffset"]!.GetValue<int>()).ShouldBe((3, 2));
        Uris(second).ShouldBe([$"{Team}/s7"]);
        second["nextOffset"].ShouldBeNull();
        Uris(beyond).ShouldBeEmpty();
        beyond["total"]!.GetValue<int>().ShouldBe(3);
        foreach (var (team, solo) in new[] { (first, "&limit=2"), (second, "&limit=2&offset=2"), (beyond, "&limit=2&offset=3") })
            Shape(team, Team).ShouldBe(Shape(await MetadataAsync(client, Solo, solo), Solo));
    }

    [Fact]
    public async Task Keys_show_the_three_allowed_names_and_a_folder_only_when_its_prefix_is_allowed()
    {
        var client = await StartAsync();

        var team = await (await client.GetAsync($"/api/secrets/keys?uri={Q(Team)}")).ShouldBeOkJsonAsync();
        var solo = await (await client.GetAsync($"/api/secrets/keys?uri={Q(Solo)}")).ShouldBeOkJsonAsync();
        var root = await (await client.GetAsync($"/api/secrets/keys?uri={Q("openbao+kv2://secret")}")).ShouldBeOkJsonAsync();

        team["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(Allowed);
        team["filtered"]!.GetValue<bool>().ShouldBeTrue();
        Shape(team, Team).ShouldBe(Shape(solo, Solo));
        root["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["solo/"]);   // team/* itself is not allowed
    }

    [Fact]
    public async Task Search_finds_only_the_three_allowed_secrets()
    {
        var client = await StartAsync();

        var team = await (await client.GetAsync($"/api/secrets/search?q=s&prefix={Q(Team + "/*")}")).ShouldBeOkJsonAsync();
        var solo = await (await client.GetAsync($"/api/secrets/search?q=s&prefix={Q(Solo + "/*")}")).ShouldBeOkJsonAsync();

        Uris(team).Select(u => u.Split('#')[0]).Distinct().ShouldBe(Allowed.Select(n => $"{Team}/{n}"));
        team["filtered"]!.GetValue<bool>().ShouldBeTrue();
        Shape(team, Team).ShouldBe(Shape(solo, Solo));
    }

    [Fact]
    public async Task A_caller_allowed_nothing_gets_what_an_empty_folder_gives()
    {
        var client = await StartAsync(Policies.Replace("[read_metadata]", "[rotate]", StringComparison.Ordinal));

        var page = await MetadataAsync(client, Team);
        var keys = await client.GetAsync($"/api/secrets/keys?uri={Q(Team)}");
        var emptyKeys = await client.GetAsync($"/api/secrets/keys?uri={Q("openbao+kv2://secret/nothing-here")}");

        Uris(page).ShouldBeEmpty();
        page["total"]!.GetValue<int>().ShouldBe(0);
        Shape(page, Team).ShouldBe(Shape(await MetadataAsync(client, "openbao+kv2://secret/nothing-here"), "openbao+kv2://secret/nothing-here"));
        var hidden = await keys.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        var empty = await emptyKeys.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        hidden.AsObject().Remove("correlation_id");
        empty.AsObject().Remove("correlation_id");
        hidden.ToJsonString().ShouldBe(empty.ToJsonString());
    }

    [Fact]
    public async Task A_condition_on_attributes_never_reveals_an_entry_in_a_listing()
    {
        // every secret here is owned by anonymous, but a listing decides on names alone: a permit that needs
        // the owner does not show an entry, and a deny that might apply hides it
        var client = await StartAsync(Policies + """

              - id: owners-see-team
                subjects: [anonymous]
                resources: ["openbao+kv2://secret/team/*"]
                purposes: [read_metadata]
                when: {owner: $subject}
              - id: maybe-not-solo
                effect: deny
                subjects: [anonymous]
                resources: ["openbao+kv2://secret/solo/s4"]
                purposes: [read_metadata]
                when: {owner: someone-else}
            """);

        Uris(await MetadataAsync(client, Team)).ShouldBe(Allowed.Select(n => $"{Team}/{n}"));
        Uris(await MetadataAsync(client, Solo)).ShouldBe([$"{Solo}/s1", $"{Solo}/s7"]);
        (await client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Team + "/s2")}")).StatusCode.ShouldBe(HttpStatusCode.OK);   // decided with attributes read
    }

    [Fact]
    public async Task With_LISTING_FILTER_off_a_listing_is_decided_on_its_prefix_and_shows_everything()
    {
        var client = await StartAsync(settings: ("LISTING_FILTER", "off"));

        await (await client.GetAsync($"/api/secrets/metadata?prefix={Q(Team + "/*")}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await client.GetAsync($"/api/secrets/keys?uri={Q(Team)}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        var solo = await MetadataAsync(client, Solo);
        Uris(solo).Count.ShouldBe(3);
        solo["filtered"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task A_PDP_that_cannot_answer_refuses_the_listing_and_never_shows_it_unfiltered()
    {
        using var dead = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        dead.Start();
        var port = ((IPEndPoint)dead.LocalEndpoint).Port;
        dead.Stop();   // nothing listens there now
        var config = new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = $"http://127.0.0.1:{port}",
            ["PDP_TIMEOUT_MS"] = "500",
        };
        var host = new SecretsHostFactory(config);
        hosts.Add(host);
        var client = host.CreateClient();

        var response = await client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/*")}");

        var body = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
        body.ToJsonString().ShouldNotContain("yaml://secret/");
        await (await client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret")}")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
    }

    [Fact]
    public void An_unknown_LISTING_FILTER_stops_the_start_with_its_name()
    {
        var host = new SecretsHostFactory(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true", ["LISTING_FILTER"] = "everything" },
            policies: Policies);
        hosts.Add(host);

        var error = Should.Throw<Exception>(() => host.CreateClient());

        error.ToString().ShouldContain("LISTING_FILTER must be pdp or off");
    }
}
