using System.Text.Json.Nodes;
using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.DevServer.Tests.Conformance;

/// <summary>The table's runner and matchers can fail: each is run with an expectation the dev server does not meet.</summary>
public sealed class Kv2CaseRunnerTests(SystemClockDevServer shared) : IClassFixture<SystemClockDevServer>
{
    private static Kv2Step Get(string path, JsonObject expect) =>
        new("GET", path, new Dictionary<string, string>(), new Dictionary<string, string>(), null, null, false, expect, null);

    private static Kv2Step Write(string path, string body) =>
        new("POST", path, new Dictionary<string, string>(), new Dictionary<string, string>(), JsonNode.Parse(body), null, true, null, null);

    private async Task<IReadOnlyList<string>> RunAsync(JsonObject expect)
    {
        var runner = new Kv2CaseRunner(shared.Http, SystemClockDevServer.Token);
        var mount = await runner.EnableMountAsync();
        try
        {
            var kvCase = new Kv2Case("self-test", "", null, null,
                [Write("/v1/secret/data/app", """{"data":{"n":1.0,"s":"x"}}""")], Get("/v1/secret/data/app", expect), []);
            return await runner.RunAsync(kvCase, mount);
        }
        finally
        {
            await runner.DisableMountAsync(mount);
        }
    }

    [Fact]
    public async Task Expectations_the_server_meets_pass()
    {
        var failures = await RunAsync(new JsonObject
        {
            ["status"] = 200,
            ["keys(data)"] = new JsonArray("data", "metadata"),
            ["data.data"] = new JsonObject { ["n"] = 1, ["s"] = "x" },
            ["data.data.n"] = "<raw:1>",
            ["request_id"] = "<uuid>",
            ["lease_id"] = "<empty-string>",
            ["lease_duration"] = "<any-int>",
            ["mount_type"] = "<absent>",
            ["data.metadata.created_time"] = "<equals:given[0].data.created_time>",
            ["data.metadata.version"] = 1,
        });

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Theory]
    [InlineData("status", "404")]
    [InlineData("keys(data)", """["data"]""")]
    [InlineData("data.data", """{"n":1}""")]
    [InlineData("data.data.n", "\"<raw:1.0>\"")]
    [InlineData("data.data.s", "\"<absent>\"")]
    [InlineData("data.nothing", "null")]
    [InlineData("warnings", """["a warning"]""")]
    [InlineData("request_id", "\"<empty-string>\"")]
    [InlineData("data.metadata.created_time", "\"<uuid>\"")]
    [InlineData("data.metadata.version", "\"<semver>\"")]
    [InlineData("data.metadata.deletion_time", "\"<rfc3339nano>\"")]
    [InlineData("data.metadata.created_time", "\"<time:data.metadata.created_time+1s>\"")]
    [InlineData("data.metadata.created_time", "\"<time-after:data.metadata.created_time>\"")]
    [InlineData("data.metadata.created_time", "\"<now+3600s~10>\"")]
    [InlineData("data.metadata.version", "\"<equals:data.data.s>\"")]
    [InlineData("data.data.s", "\"<starts-with:y>\"")]
    [InlineData("data.data.s", "\"<matches:^[0-9]+$>\"")]
    [InlineData("data.data", "\"<any-int>\"")]
    [InlineData("headers.Content-Type", "\"text/plain\"")]
    [InlineData("body", "\"<empty>\"")]
    public async Task An_expectation_the_server_does_not_meet_is_a_failure_naming_its_key(string key, string expected)
    {
        var failures = await RunAsync(new JsonObject { [key] = JsonNode.Parse(expected) });

        failures.ShouldHaveSingleItem().ShouldStartWith($"request {key}: ");
    }

    [Fact]
    public async Task A_given_request_that_fails_stops_the_case_and_says_so()
    {
        var runner = new Kv2CaseRunner(shared.Http, SystemClockDevServer.Token);
        var kvCase = new Kv2Case("self-test", "", null, null,
            [Write("/v1/secret/data/app/", """{"data":{}}""")], Get("/v1/secret/data/app", new JsonObject { ["status"] = 200 }), []);

        var failures = await runner.RunAsync(kvCase);

        failures.ShouldHaveSingleItem().ShouldStartWith("given[0] POST /v1/secret/data/app/ → 400");
    }

    [Fact]
    public void The_table_has_unique_ids_and_every_case_an_expectation_and_a_source()
    {
        Kv2Cases.All.Count.ShouldBeGreaterThanOrEqualTo(130);
        Kv2Cases.All.Select(c => c.Id).ShouldBeUnique();
        Kv2Cases.All.ShouldAllBe(c => c.Request.Expect != null && c.Request.Expect.ContainsKey("status") && c.Source.Length > 0);
    }
}
