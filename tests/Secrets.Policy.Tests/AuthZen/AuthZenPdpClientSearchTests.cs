using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Decisions;
using WireMock.ResponseBuilders;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The client's searches against a scripted PDP (AuthZEN 1.0 §8): only where the metadata offers them, every page with the
/// same request and the previous token, and what ends a search that goes wrong.
/// </summary>
public sealed class AuthZenPdpClientSearchTests : IDisposable
{
    private const string Search = "/authz/search/resource";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly ExternalPdp pdp = new();

    public void Dispose() => pdp.Dispose();

    private AuthZenPdpClient Client() => pdp.Services().GetRequiredService<AuthZenPdpClient>();

    private void Offered() => pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("search_resource_endpoint", Search));

    /// <summary>Answers each page by the token it was asked with: none → <paramref name="first"/>, "t1" → <paramref name="second"/>.</summary>
    private void Pages(string first, string second) =>
        pdp.Answer(Search, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(request => JsonNode.Parse(request.Body!)!["page"]?["token"]?.GetValue<string>() == "t1" ? second : first));

    [Fact]
    public async Task Resource_search_follows_the_token_with_the_same_request_and_returns_every_page_in_order()
    {
        Offered();
        Pages("""{"page":{"next_token":"t1","count":2,"total":3},"results":[{"type":"secret","id":"yaml://secret/app/a"},{"type":"secret","id":"yaml://secret/app/b"}]}""",
              """{"page":{"next_token":"","count":1,"total":3},"results":[{"type":"secret","id":"yaml://secret/app/c"}]}""");

        var found = await Client().SearchResourcesAsync(Full().Subject, "read", "t1", Full().Context, Ct);

        found.ShouldBe(["yaml://secret/app/a", "yaml://secret/app/b", "yaml://secret/app/c"]);
        var asked = Received(pdp.Server, Search).Select(Body).ToList();
        asked.Count.ShouldBe(2);
        asked[0]["page"]!["token"].ShouldBeNull();
        Str(asked[1]["page"]!["token"]).ShouldBe("t1");
        asked[0]["page"]!["limit"]!.GetValue<int>().ShouldBe(asked[1]["page"]!["limit"]!.GetValue<int>());   // limit resent unchanged (§8.2)
        asked[1]["page"]!.AsObject().Remove("token");
        asked[1].ToJsonString().ShouldBe(asked[0].ToJsonString());
        Str(asked[0]["resource"]!["type"]).ShouldBe("secret");
        asked[0]["resource"]!["id"].ShouldBeNull();   // the searched-for entity has no id (§8.5)
        Str(asked[0]["resource"]!["properties"]!["tenant_id"]).ShouldBe("t1");
        Str(asked[0]["subject"]!["id"]).ShouldBe("alice");
        Str(asked[0]["action"]!["name"]).ShouldBe("read");
        Received(pdp.Server, Search).Select(e => Header(e, "X-Request-ID")).ShouldBe(["corr-1.1", "corr-1.2"]);
    }

    [Fact]
    public async Task An_answer_without_a_page_is_the_whole_result_and_results_of_another_type_are_left_out()
    {
        Offered();
        pdp.Answer(Search, 200, """{"results":[{"type":"secret","id":"yaml://secret/a"},{"type":"user","id":"x"},{"id":"yaml://secret/b"},7,{"type":"secret","id":"yaml://secret/c"}]}""");

        var found = await Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct);

        found.ShouldBe(["yaml://secret/a", "yaml://secret/c"]);
    }

    [Fact]
    public async Task A_resource_search_whose_answer_says_its_patterns_are_inexact_is_not_used()
    {
        Offered();
        Pages("""{"page":{"next_token":"t1"},"context":{"exact":true},"results":[{"type":"secret","id":"yaml://secret/app/*"}]}""",
              """{"page":{"next_token":""},"context":{"exact":false,"reason":"a deny narrows a pattern"},"results":[{"type":"secret","id":"yaml://secret/x"}]}""");

        (await Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct)).ShouldBeNull();
        Received(pdp.Server, Search).Count.ShouldBe(2);   // every page was read before deciding
    }

    [Fact]
    public async Task A_PDP_whose_metadata_offers_no_search_is_not_asked()
    {
        pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("search_subject_endpoint", "/s"), ("search_action_endpoint", "/a"));

        (await Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct)).ShouldBeNull();

        pdp.Server.LogEntries.ShouldAllBe(e => e.RequestMessage.Method == "GET");
    }

    [Fact]
    public async Task Without_metadata_no_search_is_assumed()
    {
        pdp.MetadataAnswer(404, "{}");
        pdp.Answer("/access/v1/search/resource", 200, """{"results":[]}""");

        (await Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct)).ShouldBeNull();

        Received(pdp.Server, "/access/v1/search/resource").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"page":{"next_token":"t1"},"results":[]}""")]                      // the same token again and again
    [InlineData("""{"results":{"type":"secret","id":"x"}}""")]
    [InlineData("""{"page":{"count":1},"results":[]}""")]
    [InlineData("""{"page":{"next_token":5},"results":[]}""")]
    [InlineData("""{"page":{"next_token":""},"results":[],"results":[{"type":"secret","id":"yaml://secret/all/*"}]}""")]
    public async Task A_search_answer_that_cannot_be_followed_is_unavailable(string answer)
    {
        Offered();
        pdp.Answer(Search, 200, answer);

        await Should.ThrowAsync<PdpUnavailableException>(() => Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct));
    }

    [Fact]
    public async Task More_pages_than_allowed_is_unavailable()
    {
        Offered();
        var n = 0;
        pdp.Answer(Search, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(_ => $$$"""{"page":{"next_token":"t{{{Interlocked.Increment(ref n)}}}"},"results":[{"type":"secret","id":"yaml://secret/x"}]}"""));

        (await Should.ThrowAsync<PdpUnavailableException>(() => Client().SearchResourcesAsync(Full().Subject, "read", null, Full().Context, Ct)))
            .Message.ShouldContain(AuthZenPdpClient.MaxSearchPages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Received(pdp.Server, Search).Count.ShouldBe(AuthZenPdpClient.MaxSearchPages);
    }

    [Fact]
    public async Task Subject_and_action_searches_go_to_their_endpoints()
    {
        pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("search_subject_endpoint", "/s"), ("search_action_endpoint", "/a"));
        pdp.Answer("/s", 200, """{"results":[{"type":"user","id":"alice"},{"type":"client","id":"svc"}]}""");
        pdp.Answer("/a", 200, """{"results":[{"name":"read"},{"name":"write"}]}""");
        var client = Client();

        var subjects = await client.SearchAsync(AuthZenSearchKind.Subject,
            new AuthZenSearchRequest(new AuthZenSubject("user", null, null), new AuthZenAction("read"), new AuthZenResource("secret", "yaml://secret/a", null), null, null), null, Ct);
        var actions = await client.SearchAsync(AuthZenSearchKind.Action,
            new AuthZenSearchRequest(new AuthZenSubject("user", "alice", null), null, new AuthZenResource("secret", "yaml://secret/a", null), null, null), null, Ct);

        subjects.ShouldBe(["alice"]);
        actions.ShouldBe(["read", "write"]);
        Body(Received(pdp.Server, "/a").ShouldHaveSingleItem())["action"].ShouldBeNull();   // an action search has no action (§8.6)
    }

    private static string Str(JsonNode? node) => node!.GetValue<string>();
}
