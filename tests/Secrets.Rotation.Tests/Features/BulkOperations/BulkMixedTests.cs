using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BulkOperations;

/// <summary>
/// Bulk with the Rotation module's own operations (rollback, rotate with generate) and a full batch of mixed
/// operations: some denied by policy, some failing at the provider, each answered in order with its code while the
/// allowed ones are applied.
/// </summary>
public sealed class BulkMixedTests
{
    private const string Bulk = "/api/secrets/bulk";

    /// <summary>Everything on the KVv2 mount except anything under <c>secret/locked/</c>, where only reads are allowed.</summary>
    private const string LockedPolicy = """
        version: 1
        rules:
          - id: locked-is-read-only
            effect: deny
            resources: ["openbao+kv2://secret/locked/*"]
            purposes: [write, rotate, delete, destroy_versions, undelete]
          - id: everything-else
            resources: ["openbao+kv2://secret/*"]
            purposes: ["*"]
            obligations:
              max_uses: 1000
        """;

    [Fact]
    public async Task Rollback_and_generated_rotation_run_as_bulk_operations()
    {
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();
        const string path = "openbao+kv2://secret/bulk-rot/app";
        await (await client.PostJsonAsync("/api/secrets", new { uri = path, value = new { token = "t1", user = "u" } })).ShouldBeOkJsonAsync();
        await (await client.PostJsonAsync("/api/secrets", new { uri = path, value = new { token = "t2", user = "u" } })).ShouldBeOkJsonAsync();

        var body = await (await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "rotate", uri = path + "#token", generate = new { length = 20, alphabet = "hex" } },
                new { op = "rollback", uri = path, to_version = 1 },
                new { op = "rotate", uri = path, generate = new { length = 20 } },
            },
            continueOnError = true,
        })).ShouldBeOkJsonAsync();

        var results = body["results"]!.AsArray().Select(r => r!).ToList();
        results[0].ShouldBeResult(0, "rotate", 200, null, path + "#token");
        results[0]["version"]!.GetValue<int>().ShouldBe(3);
        results[0].AsObject().ContainsKey("value").ShouldBeFalse();   // a bulk answer never carries a value
        results[1].ShouldBeResult(1, "rollback", 200, null, path);
        results[1]["version"]!.GetValue<int>().ShouldBe(4);
        results[2].ShouldBeResult(2, "rotate", 400, "FRAGMENT_REQUIRED", path);
        JsonNode.DeepEquals(await client.ReadValueAsync(path), JsonNode.Parse("""{"token":"t1","user":"u"}""")).ShouldBeTrue();
        var pinned = await (await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(path + "#token")}&version=3")).ShouldBeOkJsonAsync();
        pinned["value"]!.GetValue<string>().ShouldMatch("^[0-9a-f]{20}$");
    }

    [Theory]
    [InlineData("""{"operations":[{"op":"rollback","uri":"openbao+kv2://secret/x"}]}""")]
    [InlineData("""{"operations":[{"op":"rollback","uri":"openbao+kv2://secret/x","to_version":0}]}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"openbao+kv2://secret/x","value":{"a":"b"},"to_version":1}]}""")]
    [InlineData("""{"operations":[{"op":"set","uri":"openbao+kv2://secret/x#a","generate":{"length":8}}]}""")]
    [InlineData("""{"operations":[{"op":"rotate","uri":"openbao+kv2://secret/x#a","generate":{"length":8},"value":"v"}]}""")]
    [InlineData("""{"operations":[{"op":"rotate","uri":"openbao+kv2://secret/x#a","generate":{"alphabet":"greek"}}]}""")]
    [InlineData("""{"operations":[{"op":"rotate","uri":"openbao+kv2://secret/x#a"}]}""")]
    public async Task Invalid_rollback_and_generate_operations_are_400_and_nothing_runs(string json)
    {
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();

        await (await client.PostRawAsync(Bulk, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await AuditProbe.EventsAsync(client)).ShouldBeRequestRefusal("SECRET_BULK", "INVALID_REQUEST");
    }

    [Fact]
    public async Task A_hundred_mixed_operations_answer_in_order_with_their_codes_and_the_allowed_ones_are_applied()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true" }, policies: LockedPolicy);
        var client = host.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            await (await client.PostJsonAsync("/api/secrets", new { uri = $"openbao+kv2://secret/mixed/s{i}", value = new { k = $"v{i}-1" } })).ShouldBeOkJsonAsync();
            await (await client.PostJsonAsync("/api/secrets", new { uri = $"openbao+kv2://secret/mixed/s{i}", value = new { k = $"v{i}-2" } })).ShouldBeOkJsonAsync();
        }
        (await client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = "openbao+kv2://secret/mixed/s0", versions = new[] { 1 } }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // ten rounds of ten: what each operation should come to (status, code) is decided with it
        var operations = new List<object>();
        var expected = new List<(string Op, int Status, string? Code)>();
        for (var round = 0; round < 10; round++)
        {
            var s = $"openbao+kv2://secret/mixed/s{round}";
            Add(new { op = "set", uri = $"openbao+kv2://secret/mixed/new{round}", value = new { k = "n" } }, "set", 200, null);
            Add(new { op = "set", uri = $"openbao+kv2://secret/locked/l{round}", value = new { k = "n" } }, "set", 403, "SECRET_AUTHZ_FAILED");
            Add(new { op = "rotate", uri = s + "#k", value = $"rotated-{round}" }, "rotate", 200, null);
            Add(new { op = "rotate", uri = $"openbao+kv2://secret/mixed/absent{round}#k", value = "x" }, "rotate", 404, "SECRET_NOT_FOUND");
            Add(new { op = "rotate", uri = $"openbao+kv2://secret/locked/l{round}#k", generate = new { length = 8 } }, "rotate", 403, "SECRET_AUTHZ_FAILED");
            Add(new { op = "rollback", uri = s, to_version = 1 }, "rollback", round == 0 ? 409 : 200, round == 0 ? "VERSION_DESTROYED" : null);
            Add(new { op = "rollback", uri = s, to_version = 99 }, "rollback", 404, "SECRET_NOT_FOUND");
            Add(new { op = "rotate", uri = $"openbao+kv2://secret/mixed/new{round}#k", generate = new { length = 12 } }, "rotate", 200, null);
            Add(new { op = "delete", uri = $"openbao+kv2://secret/locked/l{round}" }, "delete", 403, "SECRET_AUTHZ_FAILED");
            Add(new { op = "set", uri = $"yaml://secret/mixed/y{round}", value = new { k = "y" } }, "set", 403, "SECRET_AUTHZ_FAILED");   // no rule for YAML
        }

        var body = await (await client.PostJsonAsync(Bulk, new { operations, continueOnError = true })).ShouldBeOkJsonAsync();

        var results = body["results"]!.AsArray().Select(r => r!).ToList();
        results.Count.ShouldBe(100);
        for (var i = 0; i < 100; i++)
            results[i].ShouldBeResult(i, expected[i].Op, expected[i].Status, expected[i].Code);
        body["succeeded"]!.GetValue<int>().ShouldBe(expected.Count(e => e.Code is null));
        body["failed"]!.GetValue<int>().ShouldBe(expected.Count(e => e.Code is not null));
        body["stoppedAt"].ShouldBeNull();

        // the allowed operations were applied, the refused ones left nothing behind
        (await client.ReadValueAsync("openbao+kv2://secret/mixed/s0#k"))!.GetValue<string>().ShouldBe("rotated-0");   // its rollback failed
        for (var round = 1; round < 10; round++)
            (await client.ReadValueAsync($"openbao+kv2://secret/mixed/s{round}#k"))!.GetValue<string>().ShouldBe($"v{round}-1");   // rotated, then rolled back
        for (var round = 0; round < 10; round++)
        {
            (await client.ReadValueAsync($"openbao+kv2://secret/mixed/new{round}#k"))!.GetValue<string>().ShouldMatch("^[A-Za-z0-9]{12}$");
            (await client.ReadValueAsync($"openbao+kv2://secret/locked/l{round}")).ShouldBeNull();
            (await client.ReadValueAsync($"openbao+kv2://secret/mixed/absent{round}")).ShouldBeNull();
        }
        var audit = await AuditProbe.EventsAsync(client, "effect=deny");
        audit.Count(e => e!["event_type"]!.GetValue<string>() == "AUTHZ_DENIED").ShouldBe(40);

        void Add(object operation, string op, int status, string? code)
        {
            operations.Add(operation);
            expected.Add((op, status, code));
        }
    }
}
