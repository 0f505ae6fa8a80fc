using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// A filtered listing end to end against an external AuthZEN PDP that is this service's own embedded PDP on Kestrel
/// (docs/AUTHORIZATION.md#filtered-listings): the PEP's host reads the PDP's metadata, finds its resource search and
/// asks it for the listing, and shows exactly what the caller may see.
/// </summary>
public sealed class ExternalPdpListingTests : IDisposable
{
    private const string Yaml = """
        secret:
          team:
            a1: {k: v}
            a2: {k: v}
            b1: {k: v}
          other:
            c1: {k: v}
        """;

    private const string Policies = """
        version: 1
        rules:
          - id: team-a
            resources: ["yaml://secret/team/a1", "yaml://secret/team/a2"]
            purposes: [read_metadata]
        """;

    private readonly List<SecretsHostFactory> hosts = [];
    private readonly ConcurrentQueue<string> spans = new();
    private readonly ActivityListener listener;

    public ExternalPdpListingTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => spans.Enqueue(activity.OperationName),
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose()
    {
        listener.Dispose();
        foreach (var host in hosts)
            host.Dispose();
    }

    /// <summary>The PDP host (its AuthZEN endpoints open to any caller here) and the host asking it.</summary>
    private HttpClient Start(string policies)
    {
        var pdp = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["ENABLE_AUTHZEN_ENDPOINTS"] = "true",
            ["AUTHZEN_REQUIRED_SCOPE"] = "none",
        }, policies: policies).OnKestrel();
        hosts.Add(pdp);
        pdp.StartServer();
        var pep = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.ClientOptions.BaseAddress.ToString().TrimEnd('/'),
            ["PDP_TIMEOUT_MS"] = "20000",
        }, yamlContent: Yaml);
        hosts.Add(pep);
        return pep.CreateClient();
    }

    private static async Task<List<string>> ListedAsync(HttpClient client)
    {
        var page = await (await client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/*")}")).ShouldBeOkJsonAsync();
        page["filtered"]!.GetValue<bool>().ShouldBeTrue();
        page["total"]!.GetValue<int>().ShouldBe(page["items"]!.AsArray().Count);
        return page["items"]!.AsArray().Select(i => i!["uri"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task The_PDPs_resource_search_filters_the_listing_in_one_question()
    {
        var client = Start(Policies);

        var listed = await ListedAsync(client);

        listed.ShouldBe(["yaml://secret/team/a1", "yaml://secret/team/a2"]);
        spans.ShouldContain("pdp.search");
        var keys = await (await client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret/team")}")).ShouldBeOkJsonAsync();
        keys["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["a1", "a2"]);
    }

    [Fact]
    public async Task Where_a_deny_narrows_the_PDPs_pattern_the_names_are_evaluated_and_the_denied_one_stays_hidden()
    {
        var client = Start("""
            version: 1
            rules:
              - id: not-b1
                effect: deny
                resources: ["yaml://secret/team/b1"]
                purposes: [read_metadata]
              - id: everything
                resources: ["yaml://secret/*"]
                purposes: [read_metadata]
            """);

        var listed = await ListedAsync(client);

        listed.ShouldBe(["yaml://secret/other/c1", "yaml://secret/team/a1", "yaml://secret/team/a2"]);
        spans.ShouldContain("pdp.search");     // asked first, and its answer said its pattern is not exact
        spans.ShouldContain("pdp.evaluate");
    }
}
