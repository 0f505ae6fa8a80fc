using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// With <c>ENABLE_AUTHORIZATION=true</c> every endpoint of docs/API.md goes through the embedded PDP:
/// without a matching rule it answers 403 SECRET_AUTHZ_FAILED, identically whether the secret exists
/// or not, changes nothing, and leaves one AUTHZ_DENIED audit record with its decision id. Listings are
/// decided on their prefix here (<c>LISTING_FILTER=off</c>).
/// </summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private const string Kv = "openbao+kv2://secret/app/db";
    private const string KvMissing = "openbao+kv2://secret/app/nothing";
    private const string Yaml = "yaml://secret/env";
    private const string YamlMissing = "yaml://secret/none";

    private const string NoRules = """
        version: 1
        rules: []
        """;

    private readonly SecretsHostFactory host = new(new Dictionary<string, string?>
    {
        ["ENABLE_AUTHORIZATION"] = "true",
        ["NEGATIVE_CACHE_TTL_S"] = "0",      // these tests change policies mid-test; cached denies would outlive them
        ["LISTING_FILTER"] = "off",          // listings decided on their prefix like every other use (FilteredListingTests: per entry)
    });
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = host.CreateClient();
        (await client.PostJsonAsync("/api/secrets", new { uri = Kv, value = new { password = "kv-pass" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await SwitchPoliciesAsync(NoRules, ReadYamlValue, HttpStatusCode.Forbidden);
    }

    private Task<HttpResponseMessage> ReadYamlValue() => client.GetAsync($"/api/secrets/value?uri={Q(Yaml + "#MY_API_KEY")}");

    public Task DisposeAsync()
    {
        host.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Rewrites the policy file and waits (bounded) until <paramref name="probe"/> answers as the new set would.</summary>
    private async Task SwitchPoliciesAsync(string policies, Func<Task<HttpResponseMessage>> probe, HttpStatusCode expected)
    {
        await File.WriteAllTextAsync(host.PolicyPath, policies);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var status = (await probe()).StatusCode;
            if (status == expected)
                return;
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the policy reload did not take effect (last status {status})");
            await Task.Delay(50);
        }
    }

    public static TheoryData<string, string, string> Calls => new()
    {
        // name, existing target, missing target: the request is built by Send
        { "write", Kv, KvMissing },
        { "read yaml", Yaml, YamlMissing },
        { "value kv2", Kv + "#password", KvMissing + "#password" },
        { "value yaml", Yaml + "#MY_API_KEY", YamlMissing + "#k" },
        { "delete", Kv, KvMissing },
        { "destroy all", Kv, KvMissing },
        { "rotate", Kv + "#password", KvMissing + "#password" },
        { "metadata", "openbao+kv2://secret/app/*", "openbao+kv2://secret/nowhere/*" },
        { "keys", "openbao+kv2://secret/app", "openbao+kv2://secret/nowhere" },
        { "metadata detail", Kv, KvMissing },
        { "versions", Kv, KvMissing },
        { "undelete", Kv, KvMissing },
        { "destroy versions", Kv, KvMissing },
        { "owner", Kv, KvMissing },
        { "copy", Kv, KvMissing },
        { "move", Kv, KvMissing },
        { "search", "openbao+kv2://secret/*", "openbao+kv2://secret/nowhere/*" },
    };

    private Task<HttpResponseMessage> Send(string name, string uri) => name switch
    {
        "write" => client.PostJsonAsync("/api/secrets", new { uri, value = new { password = "new" } }),
        "read yaml" => client.GetAsync($"/api/secrets?uri={Q(uri)}"),
        "value kv2" or "value yaml" => client.GetAsync($"/api/secrets/value?uri={Q(uri)}"),
        "delete" => client.DeleteAsync($"/api/secrets?uri={Q(uri)}"),
        "destroy all" => client.DeleteAsync($"/api/secrets?uri={Q(uri)}&destroy=true"),
        "rotate" => client.PostJsonAsync("/api/secrets/rotate", new { uri, value = "rotated" }),
        "metadata" => client.GetAsync($"/api/secrets/metadata?prefix={Q(uri)}"),
        "keys" => client.GetAsync($"/api/secrets/keys?uri={Q(uri)}"),
        "metadata detail" => client.GetAsync($"/api/secrets/metadata/detail?uri={Q(uri)}"),
        "versions" => client.GetAsync($"/api/secrets/versions?uri={Q(uri)}"),
        "undelete" => client.PostJsonAsync("/api/secrets/undelete", new { uri, versions = new[] { 1 } }),
        "destroy versions" => client.PostJsonAsync("/api/secrets/destroy-versions", new { uri, versions = new[] { 1 } }),
        "owner" => client.PostJsonAsync("/api/secrets/metadata/owner", new { uri, owner = "mallory" }),
        "copy" => client.PostJsonAsync("/api/secrets/copy", new { fromUri = uri, toUri = uri + "-copy", overwrite = true }),
        "move" => client.PostJsonAsync("/api/secrets/move", new { fromUri = uri, toUri = uri + "-moved", overwrite = true }),
        "search" => client.GetAsync($"/api/secrets/search?q=pass&prefix={Q(uri)}"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static async Task<JsonNode> DeniedBodyAsync(HttpResponseMessage response)
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        body["correlation_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        body.AsObject().Remove("correlation_id");
        return body;
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Without_a_matching_rule_every_endpoint_denies_alike_for_existing_and_missing_secrets(string name, string existing, string missing)
    {
        var yamlBefore = await File.ReadAllTextAsync(host.YamlPath);

        var deniedExisting = await DeniedBodyAsync(await Send(name, existing));
        var deniedMissing = await DeniedBodyAsync(await Send(name, missing));

        deniedMissing.ToJsonString().ShouldBe(deniedExisting.ToJsonString());
        deniedExisting.ToJsonString().ShouldNotContain("secret/app", Case.Insensitive);
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(yamlBefore);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_deny_is_audited_once_as_authz_denied_with_a_decision_id(string name, string existing, string missing)
    {
        _ = missing;
        var correlation = Guid.NewGuid().ToString("N");
        var response = await SendWithCorrelationAsync(name, existing, correlation);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var events = await AuditProbe.EventsAsync(client, $"correlation_id={correlation}");
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(e => e["event_type"]!.GetValue<string>() == "AUTHZ_DENIED");
        events.ShouldAllBe(e => e["effect"]!.GetValue<string>() == "deny");
        events.ShouldAllBe(e => e["error_code"]!.GetValue<string>() == "SECRET_AUTHZ_FAILED");
        events.ShouldAllBe(e => e["decision_id"]!.GetValue<string>().StartsWith("dec_"));
        events.Count.ShouldBe(1);   // one record per request, also for copy and move (the other uses' decisions are related ids)
        if (name is "copy" or "move")
            events[0]["related_decision_ids"]!.AsArray().Count.ShouldBe(name == "copy" ? 1 : 2);
    }

    private async Task<HttpResponseMessage> SendWithCorrelationAsync(string name, string uri, string correlation)
    {
        client.DefaultRequestHeaders.Remove("X-Correlation-ID");
        client.DefaultRequestHeaders.Add("X-Correlation-ID", correlation);
        try
        {
            return await Send(name, uri);
        }
        finally
        {
            client.DefaultRequestHeaders.Remove("X-Correlation-ID");
        }
    }

    [Fact]
    public async Task Bulk_answers_each_operation_with_the_deny()
    {
        var response = await client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[]
            {
                new { op = "set", uri = Kv, value = new { password = "x" } },
                new { op = "delete", uri = KvMissing },
            },
            continueOnError = true,
        });

        var body = await response.ShouldBeOkJsonAsync();
        var results = body["results"]!.AsArray();
        results.Count.ShouldBe(2);
        results.ShouldAllBe(r => r!["status"]!.GetValue<int>() == 403 && r["code"]!.GetValue<string>() == "SECRET_AUTHZ_FAILED");
        body["failed"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Nothing_stored_changed_after_all_the_denied_calls()
    {
        foreach (var call in Calls)
            await Send((string)call[0], (string)call[1]);

        await SwitchPoliciesAsync(SecretsHostFactory.PermitAllPolicies, ReadYamlValue, HttpStatusCode.OK);
        var value = await (await client.GetAsync($"/api/secrets/value?uri={Q(Kv + "#password")}")).ShouldBeOkJsonAsync();
        value.ToJsonString().ShouldContain("kv-pass");
        var versions = await (await client.GetAsync($"/api/secrets/versions?uri={Q(Kv)}")).ShouldBeOkJsonAsync();
        versions.ToJsonString().ShouldNotContain("\"version\":2");
        (await client.GetAsync($"/api/secrets/value?uri={Q(KvMissing + "-copy#password")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_for_one_purpose_permits_only_that_purpose()
    {
        await SwitchPoliciesAsync("""
            version: 1
            rules:
              - id: metadata-only
                subjects: [anonymous]
                resources: ["openbao+kv2://secret/app/*"]
                purposes: [read_metadata]
            """, () => client.GetAsync($"/api/secrets/versions?uri={Q(Kv)}"), HttpStatusCode.OK);

        (await client.GetAsync($"/api/secrets/versions?uri={Q(Kv)}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/secrets/metadata?prefix={Q("openbao+kv2://secret/app/*")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await client.GetAsync($"/api/secrets/value?uri={Q(Kv + "#password")}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await client.GetAsync($"/api/secrets/metadata?prefix={Q("openbao+kv2://secret/*")}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
    }

    [Fact]
    public async Task An_owner_rule_reads_the_owner_from_provider_metadata()
    {
        await SwitchPoliciesAsync("""
            version: 1
            rules:
              - id: owners-read
                resources: ["openbao+kv2://secret/*"]
                purposes: [execute]
                when: {owner: $subject}
              - id: admin-owner-change
                resources: ["openbao+kv2://secret/app/db"]
                purposes: [owner_update]
            """, () => client.GetAsync($"/api/secrets/value?uri={Q(Kv + "#password")}"), HttpStatusCode.OK);

        // Written by anonymous before: created_by and owner are "anonymous", so the owner rule permits.
        (await client.GetAsync($"/api/secrets/value?uri={Q(Kv + "#password")}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = Kv, owner = "someone-else" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await client.GetAsync($"/api/secrets/value?uri={Q(Kv + "#password")}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await client.GetAsync($"/api/secrets/value?uri={Q(KvMissing + "#password")}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
    }
}
