using System.Buffers.Text;
using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Policy.Tests.Features.AuthZen;

/// <summary>
/// The embedded PDP's Search APIs (docs/AUTHORIZATION.md#search, AuthZEN 1.0 §8) over HTTP against a real policy file:
/// what each search lists, pagination with opaque tokens that cannot be forged, and bad input.
/// </summary>
public sealed class AuthZenSearchEndpointsTests : IDisposable
{
    private const string Subjects = "/access/v1/search/subject";
    private const string Resources = "/access/v1/search/resource";
    private const string Actions = "/access/v1/search/action";
    private const string Evaluation = "/access/v1/evaluation";

    private const string Policies = """
        version: 1
        rules:
          - id: alice-app
            subjects: [alice]
            resources: ["yaml://secret/app/a", "yaml://secret/app/b", "yaml://secret/app/c"]
            purposes: [read]
          - id: bob-app
            subjects: [bob]
            resources: ["yaml://secret/app/a"]
            purposes: [read, read_metadata]
          - id: nobody-c
            effect: deny
            subjects: [bob]
            resources: ["yaml://secret/app/c"]
            purposes: ["*"]
          - id: carol-team
            subjects: [carol]
            clients: [ci]
            resources: ["yaml://team/*", "yaml://secret/app/c"]
            purposes: [read]
          - id: everyone-shared
            resources: ["yaml://secret/shared/*"]
            purposes: [read_metadata]
        """;

    private const string AliceReads = """
        {"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":2}}
        """;

    private readonly SecretsHostFactory host = new(null, null, Policies);
    private readonly HttpClient client;

    public AuthZenSearchEndpointsTests() => client = host.CreateClient();

    public void Dispose()
    {
        client.Dispose();
        host.Dispose();
    }

    // ---- resource search ----

    [Fact]
    public async Task Resource_search_pages_through_the_permitted_resources_with_an_opaque_token()
    {
        var first = await SearchAsync(Resources, AliceReads);

        first.AsObject().Select(m => m.Key).ShouldBe(["page", "context", "results"]);   // page first (§8.3)
        first["context"]!["exact"]!.GetValue<bool>().ShouldBeTrue();
        Ids(first).ShouldBe(["yaml://secret/app/a", "yaml://secret/app/b"]);
        first["results"]!.AsArray().ShouldAllBe(r => r!["type"]!.GetValue<string>() == "secret");
        var token = Str(first["page"]!["next_token"]);
        token.ShouldNotBeNullOrEmpty();
        (first["page"]!["count"]!.GetValue<int>(), first["page"]!["total"]!.GetValue<int>()).ShouldBe((2, 3));

        var second = await SearchAsync(Resources, WithToken(AliceReads, token));

        Ids(second).ShouldBe(["yaml://secret/app/c"]);
        Str(second["page"]!["next_token"]).ShouldBe("");
        (second["page"]!["count"]!.GetValue<int>(), second["page"]!["total"]!.GetValue<int>()).ShouldBe((1, 3));
    }

    [Theory]
    [InlineData("bob", "read")]             // a deny on app/c, but bob's only permit is app/a: nothing it narrows
    [InlineData("alice", "read_metadata")]  // only everyone-shared's pattern, nothing narrows it
    [InlineData("bob", "read_metadata")]
    public async Task Patterns_nothing_narrows_are_exact(string subject, string action)
    {
        var answer = await SearchAsync(Resources, $$$"""
            {"subject":{"type":"user","id":"{{{subject}}}"},"action":{"name":"{{{action}}}"},"resource":{"type":"secret"}}
            """);

        answer["context"]!["exact"]!.GetValue<bool>().ShouldBeTrue();
        answer["context"]!["reason"].ShouldBeNull();
    }

    [Fact]
    public async Task A_pattern_a_deny_or_a_condition_narrows_is_listed_but_said_to_be_inexact()
    {
        using var narrowed = new SecretsHostFactory(null, null, """
            version: 1
            rules:
              - id: no-b
                effect: deny
                resources: ["yaml://secret/app/b"]
                purposes: [read_metadata]
              - id: all-app
                resources: ["yaml://secret/app/*"]
                purposes: [read_metadata]
              - id: owners
                resources: ["yaml://team/*"]
                purposes: [read]
                when: {owner: $subject}
            """);
        using var narrowedClient = narrowed.CreateClient();

        foreach (var action in new[] { "read_metadata", "read" })
        {
            using var response = await narrowedClient.PostRawAsync(Resources, $$$"""
                {"subject":{"type":"user","id":"dave"},"action":{"name":"{{{action}}}"},"resource":{"type":"secret"}}
                """);
            var answer = await response.ShouldBeOkJsonAsync();

            answer["context"]!["exact"]!.GetValue<bool>().ShouldBeFalse(action);
            Str(answer["context"]!["reason"]).ShouldContain("evaluate");
        }
    }

    [Fact]
    public async Task A_follow_up_without_limit_keeps_the_tokens_and_one_that_orders_its_members_otherwise_is_the_same_request()
    {
        var token = Str((await SearchAsync(Resources, AliceReads))["page"]!["next_token"]);

        var withoutLimit = await SearchAsync(Resources, $$$"""
            {"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"token":"{{{token}}}"}}
            """);
        var reordered = await SearchAsync(Resources, $$$"""
            {"page":{"limit":2,"token":"{{{token}}}"},"resource":{"type":"secret"},"action":{"name":"read"},"subject":{"id":"alice","type":"user"}}
            """);

        Ids(withoutLimit).ShouldBe(["yaml://secret/app/c"]);
        Ids(reordered).ShouldBe(["yaml://secret/app/c"]);
    }

    [Theory]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read_metadata"},"resource":{"type":"secret"},"page":{"limit":2,"token":"TOKEN"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"bob"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":2,"token":"TOKEN"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":5,"token":"TOKEN"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"context":{"node_id":"n"},"page":{"limit":2,"token":"TOKEN"}}""")]
    public async Task A_token_with_a_changed_request_is_400_INVALID_REQUEST(string changed)
    {
        var token = Str((await SearchAsync(Resources, AliceReads))["page"]!["next_token"]);

        await (await client.PostRawAsync(Resources, changed.Replace("TOKEN", token, StringComparison.Ordinal)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task A_token_cannot_be_made_altered_or_carried_to_another_search_or_tenant()
    {
        var token = Str((await SearchAsync(Resources, AliceReads))["page"]!["next_token"]);
        var bytes = Base64Url.DecodeFromChars(token);
        var altered = (byte[])bytes.Clone();
        altered[5] ^= 1;   // the offset
        using var otherTenant = new SecretsHostFactory(new Dictionary<string, string?> { ["TENANT_SALT"] = "another-salt-9876543210" }, null, Policies);
        using var otherClient = otherTenant.CreateClient();

        foreach (var forged in new[] { "garbage", Base64Url.EncodeToString(altered), Base64Url.EncodeToString(bytes.AsSpan(0, bytes.Length - 1)), token + "A" })
            await (await client.PostRawAsync(Resources, WithToken(AliceReads, forged))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        const string both = """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/b"},"page":{"limit":1}}""";
        var resourceToken = Str((await SearchAsync(Resources, both))["page"]!["next_token"]);
        await (await client.PostRawAsync(Subjects, both.Replace("\"limit\":1", "\"limit\":1,\"token\":\"" + resourceToken + "\"", StringComparison.Ordinal)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");   // the same entities, another search
        await (await otherClient.PostRawAsync(Resources, WithToken(AliceReads, token))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        System.Text.Encoding.Latin1.GetString(bytes).ShouldNotContain("app");   // it carries no result, rule or policy text
    }

    [Fact]
    public async Task Without_a_page_every_result_comes_with_an_empty_next_token_and_a_limit_of_0_none()
    {
        var all = await SearchAsync(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"}}""");
        var none = await SearchAsync(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":0}}""");

        all.ToJsonString().ShouldBe("""
            {"page":{"next_token":"","count":3,"total":3},"context":{"exact":true},"results":[{"type":"secret","id":"yaml://secret/app/a"},{"type":"secret","id":"yaml://secret/app/b"},{"type":"secret","id":"yaml://secret/app/c"}]}
            """);
        none.ToJsonString().ShouldBe("""{"page":{"next_token":"","count":0,"total":3},"context":{"exact":true},"results":[]}""");
    }

    [Fact]
    public async Task The_resource_id_is_ignored_and_every_result_evaluates_to_a_permit()
    {
        var withId = await SearchAsync(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/b"}}""");

        Ids(withId).ShouldBe(["yaml://secret/app/a", "yaml://secret/app/b", "yaml://secret/app/c"]);
        foreach (var id in Ids(withId))
            (await (await client.PostRawAsync(Evaluation, $$$"""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"{{{id}}}"}}"""))
                .ShouldBeOkJsonAsync())["decision"]!.GetValue<bool>().ShouldBeTrue(id);
    }

    [Fact]
    public async Task Prefix_patterns_come_back_as_written_and_rule_conditions_hold_as_for_an_evaluation()
    {
        var withClient = await SearchAsync(Resources, """{"subject":{"type":"user","id":"carol","properties":{"client_id":"ci"}},"action":{"name":"read"},"resource":{"type":"secret"}}""");
        var withoutClient = await SearchAsync(Resources, """{"subject":{"type":"user","id":"carol"},"action":{"name":"read"},"resource":{"type":"secret"}}""");
        var denied = await SearchAsync(Resources, """{"subject":{"type":"user","id":"bob"},"action":{"name":"read"},"resource":{"type":"secret"}}""");

        Ids(withClient).ShouldBe(["yaml://secret/app/c", "yaml://team/*"]);
        Ids(withoutClient).ShouldBeEmpty();
        Ids(denied).ShouldBe(["yaml://secret/app/a"]);
    }

    [Theory]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"spaceship"}}""")]
    [InlineData("""{"subject":{"type":"group","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"can_read"},"resource":{"type":"secret"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"nonexistent"},"action":{"name":"read"},"resource":{"type":"secret"}}""")]
    public async Task What_this_PDP_has_no_policies_for_is_an_empty_result_not_an_error(string request) =>
        (await SearchAsync(Resources, request)).ToJsonString().ShouldBe("""{"page":{"next_token":"","count":0,"total":0},"context":{"exact":true},"results":[]}""");

    // ---- action search ----

    [Fact]
    public async Task Action_search_answers_every_permitted_purpose_in_purpose_order()
    {
        var bob = await SearchAsync(Actions, """{"subject":{"type":"user","id":"bob"},"resource":{"type":"secret","id":"yaml://secret/app/a"}}""");
        var bobOnC = await SearchAsync(Actions, """{"subject":{"type":"user","id":"bob"},"resource":{"type":"secret","id":"yaml://secret/app/c"}}""");

        bob.ToJsonString().ShouldBe("""{"page":{"next_token":"","count":2,"total":2},"results":[{"name":"read"},{"name":"read_metadata"}]}""");
        bobOnC["results"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Action_search_pages_too()
    {
        var first = await SearchAsync(Actions, """{"subject":{"type":"user","id":"bob"},"resource":{"type":"secret","id":"yaml://secret/app/a"},"page":{"limit":1}}""");
        var second = await SearchAsync(Actions, $$$"""{"subject":{"type":"user","id":"bob"},"resource":{"type":"secret","id":"yaml://secret/app/a"},"page":{"limit":1,"token":"{{{Str(first["page"]!["next_token"])}}}"}}""");

        first["results"]!.AsArray().Select(r => Str(r!["name"])).ShouldBe(["read"]);
        second["results"]!.AsArray().Select(r => Str(r!["name"])).ShouldBe(["read_metadata"]);
        Str(second["page"]!["next_token"]).ShouldBe("");
    }

    // ---- subject search ----

    [Fact]
    public async Task Subject_search_answers_the_subjects_the_permitting_rules_name_and_says_it_is_complete()
    {
        var plain = await SearchAsync(Subjects, """{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/c"}}""");
        var withId = await SearchAsync(Subjects, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/c"}}""");
        var withClient = await SearchAsync(Subjects, """{"subject":{"type":"user","properties":{"client_id":"ci"}},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/c"}}""");

        plain.ToJsonString().ShouldBe("""{"page":{"next_token":"","count":1,"total":1},"context":{"complete":true},"results":[{"type":"user","id":"alice"}]}""");
        withId.ToJsonString().ShouldBe(plain.ToJsonString());   // the id of the searched-for subject is ignored
        withClient["results"]!.AsArray().Select(r => Str(r!["id"])).ShouldBe(["alice", "carol"]);
    }

    [Fact]
    public async Task A_rule_for_any_subject_is_answered_with_complete_false_and_a_reason()
    {
        var body = await SearchAsync(Subjects, """{"subject":{"type":"user"},"action":{"name":"read_metadata"},"resource":{"type":"secret","id":"yaml://secret/shared/x"}}""");

        body["results"]!.AsArray().Select(r => Str(r!["id"])).ShouldBe(["bob"]);   // named by a rule for read_metadata, permitted here by the rule for anyone
        body["context"]!["complete"]!.GetValue<bool>().ShouldBeFalse();
        Str(body["context"]!["reason"]).ShouldContain("names no subjects");
    }

    [Fact]
    public async Task Subject_search_of_an_unknown_subject_type_is_empty()
    {
        var body = await SearchAsync(Subjects, """{"subject":{"type":"spaceship"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/a"}}""");

        body["results"]!.AsArray().ShouldBeEmpty();
    }

    // ---- bad input ----

    [Theory]
    [InlineData(Subjects, """{"subject":{"type":"user"},"resource":{"type":"secret","id":"yaml://secret/app/a"}}""")]
    [InlineData(Subjects, """{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"secret"}}""")]
    [InlineData(Subjects, """{"subject":{"id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/app/a"}}""")]
    [InlineData(Resources, """{"action":{"name":"read"},"resource":{"type":"secret"}}""")]
    [InlineData(Resources, """{"subject":{"type":"user"},"action":{"name":"read"},"resource":{"type":"secret"}}""")]
    [InlineData(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"id":"yaml://secret/app/a"}}""")]
    [InlineData(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":-1}}""")]
    [InlineData(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"limit":"2"}}""")]
    [InlineData(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":{"token":7}}""")]
    [InlineData(Resources, """{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret"},"page":[]}""")]
    [InlineData(Actions, """{"subject":{"type":"user","id":"alice"}}""")]
    [InlineData(Actions, """{"subject":{"type":"user"},"resource":{"type":"secret","id":"yaml://secret/app/a"}}""")]
    [InlineData(Actions, """{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret"}}""")]
    [InlineData(Actions, "not json")]
    public async Task A_missing_required_member_or_an_unreadable_page_is_400_INVALID_REQUEST(string path, string body) =>
        await (await client.PostRawAsync(path, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

    [Fact]
    public async Task Page_properties_and_unknown_members_are_accepted()
    {
        var body = await SearchAsync(Resources, """
            {"subject":{"type":"user","id":"alice"},"action":{"name":"read","properties":{"soft":true}},"resource":{"type":"secret"},
             "page":{"limit":10,"properties":{"sort":"id"}},"extension":{"x":1}}
            """);

        Ids(body).Count.ShouldBe(3);
    }

    // ---- helpers ----

    private async Task<JsonNode> SearchAsync(string path, string body) =>
        await (await client.PostRawAsync(path, body)).ShouldBeOkJsonAsync();

    private static string WithToken(string request, string token) =>
        request.Replace("\"page\":{\"limit\":2}", "\"page\":{\"limit\":2,\"token\":\"" + token + "\"}", StringComparison.Ordinal);

    private static List<string> Ids(JsonNode body) => body["results"]!.AsArray().Select(r => Str(r!["id"])).ToList();

    private static string Str(JsonNode? node) => node!.GetValue<string>();
}
