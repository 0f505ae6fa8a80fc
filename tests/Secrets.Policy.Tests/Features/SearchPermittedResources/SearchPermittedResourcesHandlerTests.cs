using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.Contracts;
using Secrets.Policy.Tests.AuthZen;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using Response = WireMock.ResponseBuilders.Response;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;

namespace Secrets.Policy.Tests.Features.SearchPermittedResources;

/// <summary>
/// <see cref="Contracts.SearchPermittedResources"/> through the host's mediator, as another module sends it: the external
/// PDP's resource search when its metadata offers it (every page), "not supported" when it does not, "unavailable" when
/// it cannot be asked; with the embedded PDP, the rules' patterns when they say it exactly, "not supported" otherwise.
/// </summary>
public sealed class SearchPermittedResourcesHandlerTests : IDisposable
{
    private const string Search = "/search/resource";

    private static readonly Caller Alice = new("alice", "cli-1", "https://issuer.example", "jti-1", null, "corr-9")
    {
        Audiences = ["crud.secrets"],
    };

    private readonly ExternalPdp pdp = new("/tenant1");
    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        foreach (var d in owned)
            d.Dispose();
        pdp.Dispose();
    }

    private Task<PermittedResources> AskAsync(SecretsHostFactory host, Purpose purpose = Purpose.Read, string? prefix = null)
    {
        owned.Add(host);
        host.CreateClient().Dispose();   // starts the host
        return host.Services.GetRequiredService<IMediator>().SendRequest(new Contracts.SearchPermittedResources(Alice, purpose, prefix));
    }

    private SecretsHostFactory External() => new(new Dictionary<string, string?> { ["PDP_URL"] = pdp.Url, ["PDP_TIMEOUT_MS"] = "20000" });

    /// <summary>Metadata that offers resource search, answered in two pages.</summary>
    private void TwoPages()
    {
        pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("search_resource_endpoint", Search));
        pdp.Answer(Search, Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(request =>
            JsonNode.Parse(request.Body!)!["page"]?["token"]?.GetValue<string>() == "p2"
                ? """{"page":{"next_token":""},"results":[{"type":"secret","id":"yaml://team/*"},{"type":"secret","id":"yaml://secret/*"}]}"""
                : """{"page":{"next_token":"p2"},"results":[{"type":"secret","id":"yaml://secret/app/a"},{"type":"secret","id":"yaml://secret/app/db/*"}]}"""));
    }

    [Fact]
    public async Task With_a_PDP_that_offers_resource_search_every_page_is_the_answer()
    {
        TwoPages();

        var permitted = await AskAsync(External());

        permitted.Supported.ShouldBeTrue();
        permitted.Unavailable.ShouldBeFalse();
        permitted.Resources.ShouldBe(["yaml://secret/app/a", "yaml://secret/app/db/*", "yaml://team/*", "yaml://secret/*"]);
        var asked = Received(pdp.Server, pdp.Path + Search).Select(Body).ToList();
        asked.Count.ShouldBe(2);
        asked[0]["subject"]!["id"]!.GetValue<string>().ShouldBe("alice");
        asked[0]["subject"]!["properties"]!["client_id"]!.GetValue<string>().ShouldBe("cli-1");
        asked[0]["action"]!["name"]!.GetValue<string>().ShouldBe("read");
        asked[0]["resource"]!["properties"]!["tenant_id"]!.GetValue<string>().ShouldBe("t1");
        asked[0]["context"]!["correlation_id"]!.GetValue<string>().ShouldBe("corr-9");
    }

    [Theory]
    [InlineData("yaml://secret/app/*", new[] { "yaml://secret/app/a", "yaml://secret/app/db/*", "yaml://secret/app/*" })]
    [InlineData("yaml://secret/app", new[] { "yaml://secret/app/a", "yaml://secret/app/db/*", "yaml://secret/app/*" })]
    [InlineData("yaml://secret/app/db/*", new[] { "yaml://secret/app/db/*" })]
    [InlineData("yaml://team/*", new[] { "yaml://team/*" })]
    [InlineData("yaml://team/x/*", new[] { "yaml://team/x/*" })]
    [InlineData("yaml://other/*", new string[0])]
    public async Task A_prefix_keeps_what_is_below_it_and_narrows_a_pattern_that_covers_it(string prefix, string[] expected)
    {
        TwoPages();

        var permitted = await AskAsync(External(), prefix: prefix);

        permitted.Supported.ShouldBeTrue();
        permitted.Resources.ShouldBe(expected);
    }

    [Fact]
    public async Task With_a_PDP_that_offers_no_resource_search_it_is_not_supported_and_nothing_is_searched()
    {
        pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("access_evaluations_endpoint", "/access/v1/evaluations"));

        var permitted = await AskAsync(External());

        permitted.ShouldBe(new PermittedResources(false, false, []), "not supported: the caller evaluates its candidates in a batch");
        pdp.Server.LogEntries.ShouldAllBe(e => e.RequestMessage.Method == "GET");
    }

    [Theory]
    [InlineData(500, 200)]
    [InlineData(200, 500)]
    [InlineData(200, 200)]
    public async Task A_PDP_that_cannot_be_asked_is_unavailable(int metadataStatus, int searchStatus)
    {
        if (metadataStatus == 200)
            pdp.Metadata(("access_evaluation_endpoint", "/access/v1/evaluation"), ("search_resource_endpoint", Search));
        else
            pdp.MetadataAnswer(metadataStatus, "{}");
        pdp.Answer(Search, searchStatus, searchStatus == 200 ? """{"page":{"next_token":"again"},"results":[]}""" : "{}");   // 200: a loop

        var permitted = await AskAsync(External());

        permitted.Unavailable.ShouldBeTrue();
        permitted.Resources.ShouldBeEmpty();
    }

    // ---- the embedded PDP: from the rules ----

    private const string Policies = """
        version: 1
        rules:
          - id: alice-app
            subjects: [alice]
            resources: ["yaml://secret/app/*", "yaml://secret/shared/x"]
            purposes: [read_metadata]
          - id: alice-owned-team
            subjects: [alice]
            resources: ["yaml://team/*"]
            purposes: [read_metadata]
            when:
              owner: $subject
          - id: no-app-db
            effect: deny
            subjects: [alice]
            resources: ["yaml://secret/app/db/*"]
            purposes: [read_metadata]
          - id: bob-reads
            subjects: [bob]
            resources: ["yaml://secret/app/*", "yaml://secret/legacy/old"]
            purposes: [read]
          - id: no-legacy
            effect: deny
            resources: ["yaml://secret/legacy/*"]
            purposes: ["*"]
        """;

    private static readonly Caller Bob = Alice with { Subject = "bob" };

    private Task<PermittedResources> AskEmbeddedAsync(Caller caller, Purpose purpose, string? prefix)
    {
        var host = new SecretsHostFactory(null, null, Policies);
        owned.Add(host);
        host.CreateClient().Dispose();
        return host.Services.GetRequiredService<IMediator>().SendRequest(new Contracts.SearchPermittedResources(caller, purpose, prefix));
    }

    [Theory]
    [InlineData("yaml://secret/app/web/*", new[] { "yaml://secret/app/web/*" })]      // a permitted pattern above the listing
    [InlineData("yaml://secret/shared", new[] { "yaml://secret/shared/x" })]          // an exact URI below it
    [InlineData("yaml://secret/app/db/*", new string[0])]                             // a deny covers the whole listing
    [InlineData("yaml://secret/legacy/*", new string[0])]                             // only a deny speaks of it
    [InlineData("yaml://other/*", new string[0])]                                     // no rule speaks of it
    public async Task With_the_embedded_PDP_the_rules_answer_exactly_within_the_prefix(string prefix, string[] expected)
    {
        var permitted = await AskEmbeddedAsync(Alice, Purpose.ReadMetadata, prefix);

        permitted.Supported.ShouldBeTrue();
        permitted.Unavailable.ShouldBeFalse();
        permitted.Resources.ShouldBe(expected);
    }

    [Fact]
    public async Task With_the_embedded_PDP_a_deny_that_covers_a_whole_pattern_removes_it_and_others_stand()
    {
        var permitted = await AskEmbeddedAsync(Bob, Purpose.Read, null);

        (permitted.Supported, permitted.Unavailable).ShouldBe((true, false));
        permitted.Resources.ShouldBe(["yaml://secret/app/*"], "bob's legacy/old is denied by no-legacy");
        var metadata = await AskEmbeddedAsync(Bob, Purpose.ReadMetadata, null);
        (metadata.Supported, metadata.Unavailable).ShouldBe((true, false));
        metadata.Resources.ShouldBeEmpty("no rule permits bob read_metadata");
    }

    [Theory]
    [InlineData("yaml://team/*")]           // a rule with a when condition: it depends on each secret's owner
    [InlineData("yaml://team/x/*")]
    [InlineData(null)]                      // everywhere: the when rule applies too
    [InlineData("yaml://secret/app/*")]     // a deny (app/db/*) covers part of the permitted app/*
    [InlineData("yaml://secret")]
    public async Task With_the_embedded_PDP_what_patterns_cannot_say_exactly_is_not_supported(string? prefix)
    {
        var permitted = await AskEmbeddedAsync(Alice, Purpose.ReadMetadata, prefix);

        (permitted.Supported, permitted.Unavailable).ShouldBe((false, false), "the sender evaluates its candidates with their attributes instead");
        permitted.Resources.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_prefix_that_is_not_a_canonical_URI_is_the_senders_error()
    {
        TwoPages();

        await Should.ThrowAsync<Exception>(() => AskAsync(External(), prefix: "not a uri"));
    }
}
