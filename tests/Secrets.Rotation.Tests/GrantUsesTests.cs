using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests;

/// <summary>
/// A 501 spends no grant use (docs/API.md, "The order of checks": the capability check comes before the
/// PEP, the only place a use is spent). The embedded policy permits everything with
/// <c>max_uses: 2</c>, so a use's decision is seen in the audit: the first use makes a fresh decision,
/// the second is answered from its grant (same decision id), the third needs a fresh decision again.
/// Each case makes one real use, then sends a request that must be 501 several times, then two more
/// real uses: the second real use must still come from the first grant. Had a 501 taken a use, the
/// grant would be spent and the second real use would carry a new decision id.
/// </summary>
public sealed class GrantUsesTests : IClassFixture<RedisServer>, IDisposable
{
    private const string TwoUsesPolicy = """
        version: 1
        rules:
          - id: two-uses
            resources:
              - "yaml://secret/*"
              - "openbao+kv2://secret/*"
            purposes: ["*"]
            obligations:
              max_uses: 2
              ttl_seconds: 300
        """;

    private const int Attempts = 3;
    private readonly RedisServer redis;
    private readonly List<SecretsHostFactory> hosts = [];
    private readonly string id = Guid.NewGuid().ToString("N")[..10];

    public GrantUsesTests(RedisServer redis) => this.redis = redis;

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
    }

    /// <summary>The test profile without any KVv2 provider: <c>openbao+kv2://</c> is 501; YAML works.</summary>
    private HttpClient WithoutKv2(bool sharedRedis = false)
    {
        var settings = new Dictionary<string, string?>(SecretsHostFactory.WithoutKv2Providers) { ["ENABLE_AUTHORIZATION"] = "true" };
        if (sharedRedis)
            settings["REDIS_URL"] = redis.ConnectionString;
        return Start(settings);
    }

    /// <summary>The dev profile with its embedded KVv2 server, authorization on, grants in the shared Redis.</summary>
    private HttpClient WithKv2SharingRedis() => Start(new Dictionary<string, string?>
    {
        ["ENABLE_AUTHORIZATION"] = "true",
        ["REDIS_URL"] = redis.ConnectionString,
    });

    private HttpClient Start(Dictionary<string, string?> settings)
    {
        var host = new SecretsHostFactory(settings, policies: TwoUsesPolicy);
        hosts.Add(host);
        return host.CreateClient();
    }

    [Fact]
    public async Task Copy_to_an_unconfigured_provider_is_501_and_spends_no_use_of_the_source_read()
    {
        var client = WithoutKv2();
        var source = Yaml("copy-src") + "#k";
        await WriteAsync(client, source, "v");

        var first = await CopyAsync(client, source, Yaml("copy-d1") + "#k");
        for (var i = 0; i < Attempts; i++)
            await ShouldBeNotSupportedAsync(client, "/api/secrets/copy", new { fromUri = source, toUri = Kv("copy-kv") + "#k" });
        var second = await CopyAsync(client, source, Yaml("copy-d2") + "#k");
        var third = await CopyAsync(client, source, Yaml("copy-d3") + "#k");

        // the source read's decision is the record's related decision (the record names the destination)
        var reads = new[] { first, second, third }.Select(r => r.Related.ShouldHaveSingleItem()).ToList();
        ShouldBeTwoUsesThenFresh(reads, "read of the copy's source");
    }

    [Fact]
    public async Task Move_to_an_unconfigured_provider_is_501_and_spends_no_use_of_the_source_read_or_delete()
    {
        var client = WithoutKv2();
        var source = Yaml("move-src") + "#k";

        var moves = new List<Audited>();
        await WriteAsync(client, source, "v1");
        moves.Add(await MoveAsync(client, source, Yaml("move-d1") + "#k"));
        await WriteAsync(client, source, "v2");   // the move removed the key; writes are another purpose, another grant
        for (var i = 0; i < Attempts; i++)
            await ShouldBeNotSupportedAsync(client, "/api/secrets/move", new { fromUri = source, toUri = Kv("move-kv") + "#k" });
        moves.Add(await MoveAsync(client, source, Yaml("move-d2") + "#k"));
        await WriteAsync(client, source, "v3");
        moves.Add(await MoveAsync(client, source, Yaml("move-d3") + "#k"));

        // related decisions: [read source, delete source]
        foreach (var m in moves)
            m.Related.Count.ShouldBe(2, m.Record.ToJsonString());
        ShouldBeTwoUsesThenFresh(moves.Select(m => m.Related[0]).ToList(), "read of the move's source");
        ShouldBeTwoUsesThenFresh(moves.Select(m => m.Related[1]).ToList(), "delete of the move's source");
    }

    [Fact]
    public async Task Rotate_that_is_501_on_one_node_spends_no_use_of_the_grant_another_node_uses()
    {
        var withKv2 = WithKv2SharingRedis();
        var withoutKv2 = WithoutKv2(sharedRedis: true);
        await ShouldShareGrantsAsync(withKv2, withoutKv2);
        var uri = Kv("rotate");
        await WriteAsync(withKv2, uri, new JsonObject { ["k"] = "v0" });

        var first = await RotateAsync(withKv2, uri, "v1");
        for (var i = 0; i < Attempts; i++)
            await ShouldBeNotSupportedAsync(withoutKv2, "/api/secrets/rotate", new { uri, value = new { k = "never" } });
        var second = await RotateAsync(withKv2, uri, "v2");
        var third = await RotateAsync(withKv2, uri, "v3");

        ShouldBeTwoUsesThenFresh([first.Decision, second.Decision, third.Decision], "rotate");
    }

    [Fact]
    public async Task Bulk_operation_that_is_501_on_one_node_spends_no_use_of_the_grant_another_node_uses()
    {
        var withKv2 = WithKv2SharingRedis();
        var withoutKv2 = WithoutKv2(sharedRedis: true);
        await ShouldShareGrantsAsync(withKv2, withoutKv2);
        var uri = Kv("bulk-rotate");
        await WriteAsync(withKv2, uri, new JsonObject { ["k"] = "v0" });
        object Bulk(string value) => new { operations = new object[] { new { op = "rotate", uri, value = new { k = value } } } };

        var first = await BulkOkAsync(withKv2, Bulk("v1"));
        for (var i = 0; i < Attempts; i++)
            await ShouldBeBulkNotSupportedAsync(withoutKv2, Bulk("never"), expectedResults: 1);
        var second = await BulkOkAsync(withKv2, Bulk("v2"));
        var third = await BulkOkAsync(withKv2, Bulk("v3"));

        ShouldBeTwoUsesThenFresh([first, second, third], "bulk rotate");
    }

    [Fact]
    public async Task Bulk_that_stops_at_a_501_spends_no_use_for_the_operations_after_it()
    {
        var client = WithoutKv2();
        var target = Yaml("bulk-after") + "#k";
        object Set(string value) => new { operations = new object[] { new { op = "set", uri = target, value } } };
        var stopped = new
        {
            operations = new object[]
            {
                new { op = "undelete", uri = Yaml("bulk-after"), versions = new[] { 1 } },   // YAML cannot undelete: 501
                new { op = "set", uri = target, value = "never" },
            },
            continueOnError = false,
        };

        var first = await BulkOkAsync(client, Set("v1"));
        for (var i = 0; i < Attempts; i++)
            await ShouldBeBulkNotSupportedAsync(client, stopped, expectedResults: 1);
        var second = await BulkOkAsync(client, Set("v2"));
        var third = await BulkOkAsync(client, Set("v3"));

        ShouldBeTwoUsesThenFresh([first, second, third], "bulk set after the stop");
        (await client.ReadValueAsync(target))!.GetValue<string>().ShouldBe("v3");
    }

    [Fact]
    public async Task Check_and_set_write_on_yaml_is_501_and_spends_no_use_of_the_same_write_grant()
    {
        var client = WithoutKv2();
        var uri = Yaml("cas");

        var first = await WriteAuditedAsync(client, uri, new { k = "v1" });
        for (var i = 0; i < Attempts; i++)
            await ShouldBeNotSupportedAsync(client, "/api/secrets", new { uri, value = new { k = "never" }, cas = 1 });
        var second = await WriteAuditedAsync(client, uri, new { k = "v2" });
        var third = await WriteAuditedAsync(client, uri, new { k = "v3" });

        ShouldBeTwoUsesThenFresh([first, second, third], "write");
    }

    // ---- helpers ----

    private string Yaml(string name) => $"yaml://secret/grant-uses/{id}/{name}";

    private string Kv(string name) => $"openbao+kv2://secret/grant-uses/{id}/{name}";

    private static string NewCorrelation() => "uses-" + Guid.NewGuid().ToString("N");

    /// <summary>Three decisions of one use: the first two the same grant's, the third a fresh one.</summary>
    private static void ShouldBeTwoUsesThenFresh(IReadOnlyList<string> decisions, string use)
    {
        var text = $"{use}: {string.Join(", ", decisions)}";
        decisions.ShouldAllBe(d => d.StartsWith("dec_"), text);
        decisions[1].ShouldBe(decisions[0], "the second use must come from the first grant (a 501 in between took none of its 2 uses): " + text);
        decisions[2].ShouldNotBe(decisions[0], "the third use must need a fresh decision (the grant has 2 uses): " + text);
    }

    /// <summary>
    /// The two hosts share grant state: a read on one makes the grant, the same read on the other uses it.
    /// Without this the cross-node tests would pass whatever the 501 did.
    /// </summary>
    private async Task ShouldShareGrantsAsync(HttpClient one, HttpClient other)
    {
        var uri = Yaml("shared-probe") + "#k";
        await WriteAsync(one, uri, "probe");
        await WriteAsync(other, uri, "probe");   // each host has its own YAML file
        var first = await ReadAuditedAsync(one, uri);
        var second = await ReadAuditedAsync(other, uri);
        second.ShouldBe(first, "the second host must use the grant the first host made");
    }

    private static async Task WriteAsync(HttpClient client, string uri, JsonNode value) =>
        (await client.PostJsonAsync("/api/secrets", new { uri, value })).StatusCode.ShouldBe(HttpStatusCode.OK);

    private static async Task WriteAsync(HttpClient client, string uri, string value) =>
        (await client.PostJsonAsync("/api/secrets", new { uri, value })).StatusCode.ShouldBe(HttpStatusCode.OK);

    private static async Task<string> WriteAuditedAsync(HttpClient client, string uri, object value)
    {
        var correlation = NewCorrelation();
        await (await client.PostAsync("/api/secrets", new { uri, value }, correlation)).ShouldBeOkJsonAsync();
        return (await OneRecordAsync(client, correlation, "SECRET_WRITTEN")).Decision;
    }

    private static async Task<string> ReadAuditedAsync(HttpClient client, string uri)
    {
        var correlation = NewCorrelation();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=" + HttpAssertions.Q(uri));
        request.Headers.Add(AuditProbe.CorrelationHeader, correlation);
        await (await client.SendAsync(request)).ShouldBeOkJsonAsync();
        return (await OneRecordAsync(client, correlation, "SECRET_READ")).Decision;
    }

    private static async Task<Audited> RotateAsync(HttpClient client, string uri, string value)
    {
        var correlation = NewCorrelation();
        await (await client.PostAsync("/api/secrets/rotate", new { uri, value = new { k = value } }, correlation)).ShouldBeOkJsonAsync();
        return await OneRecordAsync(client, correlation, "SECRET_ROTATED");
    }

    private static async Task<Audited> CopyAsync(HttpClient client, string from, string to)
    {
        var correlation = NewCorrelation();
        await (await client.PostAsync("/api/secrets/copy", new { fromUri = from, toUri = to }, correlation)).ShouldBeOkJsonAsync();
        return await OneRecordAsync(client, correlation, "SECRET_COPIED");
    }

    private static async Task<Audited> MoveAsync(HttpClient client, string from, string to)
    {
        var correlation = NewCorrelation();
        await (await client.PostAsync("/api/secrets/move", new { fromUri = from, toUri = to }, correlation)).ShouldBeOkJsonAsync();
        return await OneRecordAsync(client, correlation, "SECRET_MOVED");
    }

    /// <summary>A bulk request of one operation that succeeds; its one record's decision.</summary>
    private static async Task<string> BulkOkAsync(HttpClient client, object body)
    {
        var correlation = NewCorrelation();
        var answer = await (await client.PostAsync("/api/secrets/bulk", body, correlation)).ShouldBeOkJsonAsync();
        var result = answer["results"]!.AsArray().ShouldHaveSingleItem(answer.ToJsonString())!;
        result["code"].ShouldBeNull(answer.ToJsonString());
        var records = await client.AuditOfAsync(correlation);
        var record = records.ShouldHaveSingleItem(string.Join('\n', records.Select(r => r.ToJsonString())));
        record.Str("effect").ShouldBe("success", record.ToJsonString());
        return record.Str("decision_id")!;
    }

    /// <summary>501 OPERATION_NOT_SUPPORTED, audited once as a failure without a decision.</summary>
    private static async Task ShouldBeNotSupportedAsync(HttpClient client, string path, object body)
    {
        var correlation = NewCorrelation();
        await (await client.PostAsync(path, body, correlation)).ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        var records = await client.AuditOfAsync(correlation);
        var record = records.ShouldHaveSingleItem(string.Join('\n', records.Select(r => r.ToJsonString())));
        record.Str("error_code").ShouldBe("OPERATION_NOT_SUPPORTED", record.ToJsonString());
        record["decision_id"].ShouldBeNull(record.ToJsonString());
        (record["related_decision_ids"]?.AsArray().Count ?? 0).ShouldBe(0, record.ToJsonString());
    }

    /// <summary>A bulk answer whose last result is 501 and whose records carry no decision at all.</summary>
    private static async Task ShouldBeBulkNotSupportedAsync(HttpClient client, object body, int expectedResults)
    {
        var correlation = NewCorrelation();
        var answer = await (await client.PostAsync("/api/secrets/bulk", body, correlation)).ShouldBeOkJsonAsync();
        var text = answer.ToJsonString();
        var results = answer["results"]!.AsArray();
        results.Count.ShouldBe(expectedResults, text);
        results[^1]!["status"]!.GetValue<int>().ShouldBe(501, text);
        results[^1]!["code"]!.GetValue<string>().ShouldBe("OPERATION_NOT_SUPPORTED", text);
        var records = await client.AuditOfAsync(correlation);
        records.Count.ShouldBe(expectedResults, string.Join('\n', records.Select(r => r.ToJsonString())));
        records.ShouldAllBe(r => r["decision_id"] == null, string.Join('\n', records.Select(r => r.ToJsonString())));
    }

    private static async Task<Audited> OneRecordAsync(HttpClient client, string correlation, string eventType)
    {
        var records = await client.AuditOfAsync(correlation);
        var record = records.ShouldHaveSingleItem(string.Join('\n', records.Select(r => r.ToJsonString())));
        var text = record.ToJsonString();
        record.Str("event_type").ShouldBe(eventType, text);
        record.Str("effect").ShouldBe("success", text);
        var related = record["related_decision_ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        return new Audited(record, record.Str("decision_id")!, related);
    }

    private sealed record Audited(JsonNode Record, string Decision, IReadOnlyList<string> Related);
}
