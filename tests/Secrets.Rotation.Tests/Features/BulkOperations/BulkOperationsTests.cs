using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BulkOperations;

public sealed class BulkOperationsTests : IDisposable
{
    private const string Bulk = "/api/secrets/bulk";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public BulkOperationsTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Every_operation_gets_one_result_in_order_with_index_op_uri_status_and_code()
    {
        var body = await (await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/a", value = new { k1 = "v1", k2 = "v2" } },
                new { op = "set", uri = "YAML://secret/bulk/b#x", value = "bx" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "rotated" },
                new { op = "delete", uri = "yaml://secret/app/db" },
                new { op = "delete", uri = "yaml://secret/env#OTHER" },
            },
            continueOnError = false,
        })).ShouldBeOkJsonAsync();

        var results = Results(body, count: 5);
        results[0].ShouldBeResult(0, "set", 200, null, "yaml://secret/bulk/a");
        results[1].ShouldBeResult(1, "set", 200, null, "yaml://secret/bulk/b#x");
        results[2].ShouldBeResult(2, "rotate", 200, null, "yaml://secret/env#MY_API_KEY");
        results[3].ShouldBeResult(3, "delete", 204, null, "yaml://secret/app/db");
        results[4].ShouldBeResult(4, "delete", 204, null, "yaml://secret/env#OTHER");
        results.ShouldAllBe(r => r["version"] == null);   // YAML keeps no versions
        body["succeeded"]!.GetValue<int>().ShouldBe(5);
        body["failed"]!.GetValue<int>().ShouldBe(0);
        body["stoppedAt"].ShouldBeNull();

        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("secret/bulk/a").ShouldBe(new Dictionary<string, string?> { ["k1"] = "v1", ["k2"] = "v2" }, ignoreOrder: true);
        file.Value("secret/bulk/b", "x").ShouldBe("bx");
        file.Secret("secret/env").ShouldBe(new Dictionary<string, string?> { ["MY_API_KEY"] = "rotated" }, ignoreOrder: true);
        file.Map("secret/app/db").ShouldBeNull();
        (await client.ReadValueAsync("yaml://secret/app/db")).ShouldBeNull();
    }

    [Fact]
    public async Task With_continueOnError_every_operation_runs_and_each_failure_carries_its_own_code()
    {
        var body = await (await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/a#k", value = "v" },
                new { op = "delete", uri = "yaml://secret/missing" },
                new { op = "undelete", uri = "yaml://secret/env", versions = new[] { 1 } },
                new { op = "destroy", uri = "yaml://secret/env", versions = new[] { 1 } },
                new { op = "destroy", uri = "yaml://secret/env" },
                new { op = "set", uri = "yaml://other/x#k", value = "v" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY?version=2", value = "v" },
                new { op = "undelete", uri = "yaml://secret/env#MY_API_KEY", versions = new[] { 1 } },
                new { op = "set", uri = "not a uri", value = "v" },
                new { op = "rotate", uri = "openbao+kv2://secret/app#k", value = "v" },   // the embedded KVv2 server has nothing there
                new { op = "delete", uri = "yaml://secret/env#NOPE" },
                new { op = "set", uri = "yaml://secret/env", value = "a scalar for a whole path" },
                new { op = "delete", uri = "yaml://secret/../env" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "after-the-failures" },
            },
            continueOnError = true,
        })).ShouldBeOkJsonAsync();

        var results = Results(body, count: 14);
        results[0].ShouldBeResult(0, "set", 200, null, "yaml://secret/bulk/a#k");
        results[1].ShouldBeResult(1, "delete", 404, "SECRET_NOT_FOUND", "yaml://secret/missing");
        results[2].ShouldBeResult(2, "undelete", 501, "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        results[3].ShouldBeResult(3, "destroy", 501, "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        results[4].ShouldBeResult(4, "destroy", 501, "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        results[5].ShouldBeResult(5, "set", 400, "TENANT_MOUNT_MISMATCH");
        results[6].ShouldBeResult(6, "rotate", 400, "AMBIGUOUS_QUERY");
        results[7].ShouldBeResult(7, "undelete", 400, "FRAGMENT_NOT_ALLOWED");
        results[8].ShouldBeResult(8, "set", 400, "MALFORMED_URI");
        results[9].ShouldBeResult(9, "rotate", 404, "SECRET_NOT_FOUND", "openbao+kv2://secret/app#k");
        results[10].ShouldBeResult(10, "delete", 404, "FRAGMENT_NOT_FOUND", "yaml://secret/env#NOPE");
        results[11].ShouldBeResult(11, "set", 400, "INVALID_VALUE", "yaml://secret/env");
        results[12].ShouldBeResult(12, "delete", 400, "ILLEGAL_SEGMENT");
        results[13].ShouldBeResult(13, "rotate", 200, null, "yaml://secret/env#MY_API_KEY");
        body["succeeded"]!.GetValue<int>().ShouldBe(2);
        body["failed"]!.GetValue<int>().ShouldBe(12);
        body["stoppedAt"].ShouldBeNull();

        var file = StoredYaml.Load(host.YamlPath);
        file.Value("secret/bulk/a", "k").ShouldBe("v");
        file.Value("secret/env", "MY_API_KEY").ShouldBe("after-the-failures");
        file.Value("secret/env", "OTHER").ShouldBe("other-value");   // neither destroy nor the scalar set touched it
        file.Map("other").ShouldBeNull();
    }

    [Fact]
    public async Task Without_continueOnError_it_stops_at_the_first_failure_and_the_later_operations_do_not_run()
    {
        var body = await (await client.PostAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/first#k", value = "1" },
                new { op = "delete", uri = "yaml://secret/missing" },
                new { op = "set", uri = "yaml://secret/bulk/later#k", value = "2" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "never" },
                new { op = "delete", uri = "yaml://secret/app/db" },
            },
            continueOnError = false,
        }, "bulk-stop")).ShouldBeOkJsonAsync();

        var results = Results(body, count: 2);
        results[0].ShouldBeResult(0, "set", 200, null, "yaml://secret/bulk/first#k");
        results[1].ShouldBeResult(1, "delete", 404, "SECRET_NOT_FOUND", "yaml://secret/missing");
        body["stoppedAt"]!.GetValue<int>().ShouldBe(1);
        body["succeeded"]!.GetValue<int>().ShouldBe(1);
        body["failed"]!.GetValue<int>().ShouldBe(1);

        var file = StoredYaml.Load(host.YamlPath);
        file.Value("secret/bulk/first", "k").ShouldBe("1");
        file.Map("secret/bulk/later").ShouldBeNull();
        file.Value("secret/env", "MY_API_KEY").ShouldBe("dev-api-key");
        file.Value("secret/app/db", "password").ShouldBe("db-password");
        var audit = await client.AuditOfAsync("bulk-stop");
        audit.Select(r => r.Str("event_type")).ShouldBe(["SECRET_WRITTEN", "SECRET_DELETED"]);
        audit[1].ShouldBeFailure("SECRET_DELETED", "SECRET_NOT_FOUND", "yaml://secret/missing");
    }

    [Fact]
    public async Task ContinueOnError_defaults_to_false_and_a_first_failure_is_stoppedAt_0()
    {
        var body = await (await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "undelete", uri = "yaml://secret/env", versions = new[] { 1 } },
                new { op = "set", uri = "yaml://secret/bulk/later#k", value = "2" },
            },
        })).ShouldBeOkJsonAsync();

        var results = Results(body, count: 1);
        results[0].ShouldBeResult(0, "undelete", 501, "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        body["stoppedAt"]!.GetValue<int>().ShouldBe(0);
        body["succeeded"]!.GetValue<int>().ShouldBe(0);
        body["failed"]!.GetValue<int>().ShouldBe(1);
        StoredYaml.Load(host.YamlPath).Map("secret/bulk/later").ShouldBeNull();
    }

    [Fact]
    public async Task A_failing_last_operation_is_named_in_stoppedAt_after_the_others_ran()
    {
        var body = await (await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/a#k", value = "1" },
                new { op = "set", uri = "yaml://secret/bulk/b#k", value = "2" },
                new { op = "destroy", uri = "yaml://secret/bulk/a" },
            },
            continueOnError = false,
        })).ShouldBeOkJsonAsync();

        Results(body, count: 3)[2].ShouldBeResult(2, "destroy", 501, "OPERATION_NOT_SUPPORTED", "yaml://secret/bulk/a");
        body["stoppedAt"]!.GetValue<int>().ShouldBe(2);
        var file = StoredYaml.Load(host.YamlPath);
        file.Value("secret/bulk/a", "k").ShouldBe("1");
        file.Value("secret/bulk/b", "k").ShouldBe("2");
    }

    [Theory]
    [InlineData("""{"operations":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"operations":null}""")]
    [InlineData("""{"operations":{"op":"delete","uri":"yaml://secret/env"}}""")]
    [InlineData("""{"operations":[{"op":"copy","uri":"yaml://secret/env"}]}""")]
    [InlineData("""{"operations":[{"op":"SET","uri":"yaml://secret/env#k","value":"v"}]}""")]
    [InlineData("""{"operations":[{"uri":"yaml://secret/env#k","value":"v"}]}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"yaml://secret/bulk/x#k"}]}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"yaml://secret/bulk/x#k","value":null}]}""")]
    [InlineData("""{"operations":[{"op":"rotate","uri":"yaml://secret/env#MY_API_KEY"}]}""")]
    [InlineData("""{"operations":[{"op":"undelete","uri":"yaml://secret/env","versions":[]}]}""")]
    [InlineData("""{"operations":[{"op":"undelete","uri":"yaml://secret/env"}]}""")]
    [InlineData("""{"operations":[{"op":"destroy","uri":"yaml://secret/env","versions":[]}]}""")]
    [InlineData("""{"operations":[{"op":"undelete","uri":"yaml://secret/env","versions":[0]}]}""")]
    [InlineData("""{"operations":[{"op":"destroy","uri":"yaml://secret/env","versions":[-1]}]}""")]
    [InlineData("""{"operations":[{"op":"delete"}]}""")]
    [InlineData("""{"operations":[{"op":"delete","uri":""}]}""")]
    [InlineData("""{"operations":[{"op":"delete","uri":"yaml://secret/env","force":true}]}""")]
    [InlineData("""{"operations":[{"op":"delete","uri":"yaml://secret/env"}],"continueOnError":true,"dryRun":true}""")]
    [InlineData("""{"operations":[{"op":"delete","uri":"yaml://secret/env"}],"continueOnError":"yes"}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"yaml://secret/bulk/x#k","value":"v"},{"op":"nope","uri":"yaml://secret/env"}]}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"yaml://secret/bulk/x#k","value":"v"},{"op":"undelete","uri":"yaml://secret/env","versions":[]}]}""")]
    public async Task An_invalid_request_is_400_INVALID_REQUEST_as_a_whole_and_runs_nothing(string json)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostRawAsync(Bulk, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await AuditProbe.EventsAsync(client)).ShouldBeRequestRefusal("SECRET_BULK", "INVALID_REQUEST");   // one record, nothing ran
    }

    [Fact]
    public async Task A_null_operation_is_400_INVALID_REQUEST_and_runs_nothing()
    {
        var response = await client.PostRawAsync(Bulk, """{"operations":[{"op":"set","uri":"yaml://secret/bulk/x#k","value":"v"},null]}""");

        var text = await response.Content.ReadAsStringAsync();
        var stored = StoredYaml.Load(host.YamlPath);
        var audited = await AuditProbe.EventsAsync(client);
        response.ShouldSatisfyAllConditions(
            () => response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text),
            () => stored.Map("secret/bulk").ShouldBeNull("the set before the null operation must not have run"),
            () => audited.ShouldBeRequestRefusal("SECRET_BULK", "INVALID_REQUEST"));   // one record for the request, nothing ran
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task More_than_100_operations_is_400_and_none_of_them_run()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);
        var operations = Enumerable.Range(0, 101).Select(i => new { op = "set", uri = $"yaml://secret/bulk/many#k{i}", value = "v" }).ToArray();

        var problem = await (await client.PostJsonAsync(Bulk, new { operations, continueOnError = true }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ShouldContain("operations");
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await AuditProbe.EventsAsync(client)).ShouldBeRequestRefusal("SECRET_BULK", "INVALID_REQUEST");   // one record, nothing ran
    }

    [Theory]
    [InlineData(3, 3, true)]
    [InlineData(3, 4, false)]
    [InlineData(250, 250, true)]
    public async Task BULK_MAX_OPERATIONS_sets_the_limit(int limit, int count, bool accepted)
    {
        using var limited = new SecretsHostFactory(new Dictionary<string, string?> { ["BULK_MAX_OPERATIONS"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var limitedClient = limited.CreateClient();
        var operations = Enumerable.Range(0, count).Select(i => new { op = "set", uri = $"yaml://secret/bulk/limit#k{i}", value = $"v{i}" }).ToArray();

        var response = await limitedClient.PostJsonAsync(Bulk, new { operations, continueOnError = true });

        if (accepted)
        {
            (await response.ShouldBeOkJsonAsync())["results"]!.AsArray().Count.ShouldBe(count);
        }
        else
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
            problem.ToJsonString().ShouldContain($"at most {limit} entries", Case.Sensitive, problem.ToJsonString());
            limited.Services.GetRequiredService<BulkLimits>().MaxOperations.ShouldBe(limit);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("many")]
    public void A_BULK_MAX_OPERATIONS_outside_1_to_10000_stops_the_start_naming_it(string value)
    {
        using var invalid = new SecretsHostFactory(new Dictionary<string, string?> { ["BULK_MAX_OPERATIONS"] = value });
        Should.Throw<Exception>(() => invalid.CreateClient()).ToString().ShouldContain("BULK_MAX_OPERATIONS");
    }

    [Fact]
    public async Task Exactly_100_operations_are_accepted_and_all_run()
    {
        var operations = Enumerable.Range(0, 100).Select(i => new { op = "set", uri = $"yaml://secret/bulk/many#k{i}", value = $"v{i}" }).ToArray();

        var body = await (await client.PostJsonAsync(Bulk, new { operations, continueOnError = true })).ShouldBeOkJsonAsync();

        var results = Results(body, count: 100);
        results.Select(r => r["index"]!.GetValue<int>()).ShouldBe(Enumerable.Range(0, 100));
        body["succeeded"]!.GetValue<int>().ShouldBe(100);
        var secret = StoredYaml.Load(host.YamlPath).Secret("secret/bulk/many");
        secret.Count.ShouldBe(100);
        secret["k99"].ShouldBe("v99");
    }

    [Fact]
    public async Task Each_operation_is_audited_with_its_own_type_purpose_and_decision()
    {
        await (await client.PostAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/a#k", value = "v" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "r" },
                new { op = "delete", uri = "yaml://secret/app/db" },
                new { op = "undelete", uri = "yaml://secret/env", versions = new[] { 1 } },
                new { op = "destroy", uri = "yaml://secret/env", versions = new[] { 1 } },
                new { op = "set", uri = "yaml://other/x#k", value = "v" },
            },
            continueOnError = true,
        }, "bulk-audit")).ShouldBeOkJsonAsync();

        var audit = await client.AuditOfAsync("bulk-audit");

        audit.Count.ShouldBe(6);
        audit[0].ShouldBeSuccess("SECRET_WRITTEN", "write", "yaml://secret/bulk/a#k");
        audit[1].ShouldBeSuccess("SECRET_ROTATED", "rotate", "yaml://secret/env#MY_API_KEY");
        audit[2].ShouldBeSuccess("SECRET_DELETED", "delete", "yaml://secret/app/db");
        audit[3].ShouldBeFailure("SECRET_UNDELETED", "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        audit[3].Str("purpose").ShouldBe("undelete");
        audit[4].ShouldBeFailure("SECRET_DESTROYED", "OPERATION_NOT_SUPPORTED", "yaml://secret/env");
        audit[4].Str("purpose").ShouldBe("destroy_versions");
        audit[5].ShouldBeFailure("SECRET_WRITTEN", "TENANT_MOUNT_MISMATCH", "yaml://other/x#k");   // tenant refusals are audited with their resource
        audit[5].Str("decision_id").ShouldBeNull();   // refused before the PEP was asked
        var decisions = audit.Take(3).Select(r => r.Str("decision_id")).ToList();
        decisions.ShouldAllBe(d => d != null && d.StartsWith("dec_"));
        decisions.Distinct().Count().ShouldBe(3);
        (audit[3].Str("decision_id"), audit[4].Str("decision_id")).ShouldBe((null, null));   // 501 before the PEP: no decision, no grant use
    }

    [Fact]
    public async Task In_prod_with_the_yaml_provider_forced_on_each_write_and_delete_is_403_ENVIRONMENT_GUARD()
    {
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var before = await File.ReadAllTextAsync(prod.YamlPath);

        var body = await (await prod.CreateClient().PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/bulk/a#k", value = "v" },
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "r" },
                new { op = "delete", uri = "yaml://secret/app/db" },
                new { op = "delete", uri = "yaml://secret/env#OTHER" },
            },
            continueOnError = true,
        })).ShouldBeOkJsonAsync();

        var results = Results(body, count: 4);
        for (var i = 0; i < 4; i++)
            results[i]["code"]!.GetValue<string>().ShouldBe("ENVIRONMENT_GUARD");
        results.ShouldAllBe(r => r["status"]!.GetValue<int>() == 403);
        (await File.ReadAllTextAsync(prod.YamlPath)).ShouldBe(before);
    }

    private static List<JsonNode> Results(JsonNode body, int count)
    {
        var results = body["results"]!.AsArray().Select(r => r!).ToList();
        results.Count.ShouldBe(count, body.ToJsonString());
        return results;
    }
}
