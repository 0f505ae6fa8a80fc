using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Contracts;
using Secrets.Audit.Integrity;
using Secrets.Audit.Log;
using Secrets.Audit.Outbox;
using Secrets.Audit.Tests.Integrity;
using Secrets.Audit.Tests.Outbox;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Events;

/// <summary>
/// The events a running host emits (docs/audit-events.md): CloudEvents 1.0 that the CloudEvents SDK decodes, valid
/// against the published JSON Schema, one hash chain with signed checkpoints that verify-audit accepts, no value
/// anywhere, raw URIs in dev only; sampling of cache-hit reads, and the count the next event carries.
/// </summary>
public sealed class LiveAuditStreamTests : IDisposable
{
    private const string Canary = "canary-live-stream-7f3a";
    private readonly TempOutbox dir = new();
    private readonly List<SecretsHostFactory> hosts = [];

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        dir.Dispose();
    }

    private SecretsHostFactory Host(params (string Key, string? Value)[] settings)
    {
        var config = new Dictionary<string, string?> { ["RATE_LIMIT_PER_CLIENT_RPS"] = "0", ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath };
        foreach (var (key, value) in settings)
            config[key] = value;
        var host = new SecretsHostFactory(config);
        hosts.Add(host);
        return host;
    }

    /// <summary>The schema file the docs publish.</summary>
    public static JsonSchema Schema() => JsonSchema.FromFile(SchemaPath());

    private static async Task<List<string>> OutboxLinesAsync(SecretsHostFactory host)
    {
        var outbox = host.Services.GetRequiredService<AuditOutbox>();
        var records = await outbox.ReadAsync(0, 10_000, CancellationToken.None);
        return records.Select(r => Encoding.UTF8.GetString(r.Payload.Span)).ToList();
    }

    private static async Task DriveAsync(HttpClient client)
    {
        const string uri = "yaml://secret/live/app";
        (await client.PostJsonAsync("/api/secrets", new { uri, value = new { token = Canary } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/secrets/value?uri={Q(uri + "#token")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/live/missing#token")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret/live/")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync("/api/secrets/copy", new { fromUri = uri, toUri = "yaml://secret/live/copy" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.DeleteAsync($"/api/secrets?uri={Q(uri)}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("test")]
    public async Task Every_event_is_a_CloudEvent_valid_against_the_schema_on_one_verified_chain_and_holds_no_value(string environment)
    {
        var host = Host(("ENVIRONMENT", environment), ("ENABLE_DEV_ENDPOINTS", "true"), ("AUDIT_CHECKPOINT_EVERY", "4"));
        var client = host.CreateClient();

        await DriveAsync(client);
        var lines = await OutboxLinesAsync(host);

        lines.Count.ShouldBe(6 + 1);   // six operations, one checkpoint after the fourth event
        var schema = Schema();
        var formatter = new JsonEventFormatter();
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        foreach (var line in lines)
        {
            line.ShouldNotContain(Canary);
            var cloudEvent = formatter.DecodeStructuredModeMessage(Encoding.UTF8.GetBytes(line), null, null);
            cloudEvent.SpecVersion.ShouldBe(CloudEventsSpecVersion.V1_0);
            var data = (JsonElement)cloudEvent.Data!;
            cloudEvent.Id.ShouldBe($"{data.GetProperty("node_id").GetString()}:{data.GetProperty("seq").GetInt64()}");
            cloudEvent.Type.ShouldBe("secrets.audit." + data.GetProperty("event_type").GetString());
            cloudEvent.DataSchema!.OriginalString.ShouldBe("urn:secrets-platform:schema:audit-event:v1");
            cloudEvent.Subject.ShouldBe(data.TryGetProperty("resource_ref", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null);
            var result = schema.Evaluate(JsonNode.Parse(line), options);
            result.IsValid.ShouldBeTrue(line + "\n" + string.Join("\n", (result.Details ?? []).Where(d => d.HasErrors)
                .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
            var uri = data.TryGetProperty("uri", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            if (environment == "dev" && data.GetProperty("event_type").GetString() != AuditCheckpoints.EventType)
                uri.ShouldStartWith("yaml://secret/live/");
            else
                uri.ShouldBeNull();
        }
        lines.Select(l => JsonNode.Parse(l)!["data"]!["event_type"]!.GetValue<string>()).ShouldBe(
            ["SECRET_WRITTEN", "SECRET_READ", "SECRET_READ", "SECRET_METADATA_READ", "AUDIT_CHECKPOINT", "SECRET_COPIED", "SECRET_DELETED"]);

        var keys = CheckpointKeys.Read(await client.GetStringAsync("/api/secrets/audit/keys")).ToDictionary(k => k.Kid, k => k.X);
        var verified = await AuditStream.VerifyAsync(lines, keys, every: 4);
        verified.Problems.ShouldBeEmpty();
        (verified.Events, verified.Checkpoints).ShouldBe((7L, 1L));
    }

    [Fact]
    public async Task A_node_that_stops_signs_a_last_checkpoint_over_its_uncovered_events()
    {
        var host = Host(("AUDIT_CHECKPOINT_EVERY", "100"));
        var client = host.CreateClient();
        for (var i = 0; i < 3; i++)
            (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var keys = CheckpointKeys.Read(await client.GetStringAsync("/api/secrets/audit/keys")).ToDictionary(k => k.Kid, k => k.X);

        host.Dispose();
        await using var outbox = dir.Open();
        var lines = (await outbox.ReadAsync(0, 100, CancellationToken.None)).Select(r => Encoding.UTF8.GetString(r.Payload.Span)).ToList();

        lines.Count.ShouldBe(4);
        var last = JsonNode.Parse(lines[^1])!["data"]!;
        (last["event_type"]!.GetValue<string>(), last["first_seq"]!.GetValue<long>(), last["last_seq"]!.GetValue<long>())
            .ShouldBe((AuditCheckpoints.EventType, 1L, 3L));
        var verified = await AuditStream.VerifyAsync(lines, keys, every: 100);
        verified.Problems.ShouldBeEmpty();
        verified.Notes.ShouldBeEmpty();   // nothing left unsigned
    }

    [Fact]
    public async Task A_checkpoint_is_signed_every_AUDIT_CHECKPOINT_SECONDS_while_events_are_uncovered()
    {
        var host = Host(("AUDIT_CHECKPOINT_EVERY", "1000"), ("AUDIT_CHECKPOINT_SECONDS", "1"));
        var client = host.CreateClient();
        (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var checkpoints = host.Services.GetRequiredService<AuditEmitter>().Checkpoints;
        checkpoints.LagEvents.ShouldBe(1);

        var until = DateTime.UtcNow.AddSeconds(10);
        while (checkpoints.LagEvents > 0 && DateTime.UtcNow < until)
            await Task.Delay(50);

        checkpoints.LagEvents.ShouldBe(0);
        checkpoints.LagSeconds.ShouldBe(0);
        // the checkpoint is chained before the outbox's writer thread has written it: wait for its line
        var lines = await OutboxLinesAsync(host);
        while (EventType(lines[^1]) != AuditCheckpoints.EventType && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            lines = await OutboxLinesAsync(host);
        }
        EventType(lines[^1]).ShouldBe(AuditCheckpoints.EventType);
        (await AuditProbe.EventsAsync(client, "event_type=AUDIT_CHECKPOINT")).Count.ShouldBe(1);
        (await AuditProbe.EventsAsync(client)).ShouldAllBe(e => e["event_type"]!.GetValue<string>() != AuditCheckpoints.EventType);
    }

    private static string EventType(string line) => JsonNode.Parse(line)!["data"]!["event_type"]!.GetValue<string>();

    [Fact]
    public async Task Sampled_out_cache_hit_reads_are_counted_by_the_next_event_and_denies_are_never_sampled()
    {
        const string policy = """
            version: 1
            rules:
              - id: permit-env
                resources: ["yaml://secret/env"]
                purposes: ["execute", "read"]
                obligations:
                  max_uses: 1000
            """;
        var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
            ["ENABLE_AUTHORIZATION"] = "true",
            ["AUDIT_SAMPLE_CACHE_HIT_N"] = "3",
        }, policies: policy);
        hosts.Add(host);
        var client = host.CreateClient();

        for (var i = 0; i < 7; i++)   // the first is decided by the PDP; the six after it are answered from its grant
            (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 2; i++)   // denies: never sampled
            (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/other#k")}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var events = (await AuditProbe.EventsAsync(client)).Reverse().ToList();
        events.Select(e => (e["event_type"]!.GetValue<string>(), e["sampled_out"]?.GetValue<long>())).ShouldBe(
        [
            ("SECRET_READ", null),     // read 1: a fresh decision
            ("SECRET_READ", null),     // read 2: the first cache hit is kept
            ("SECRET_READ", 2L),       // read 5: kept, after reads 3 and 4 were left out
            ("AUTHZ_DENIED", 2L),      // carries reads 6 and 7
            ("AUTHZ_DENIED", null),
        ]);
        (events.Count + events.Sum(e => e["sampled_out"]?.GetValue<long>() ?? 0)).ShouldBe(9);   // every use accounted for
        events.Select(e => e["seq"]!.GetValue<long>()).ShouldBe([1L, 2L, 3L, 4L, 5L]);           // no gap in the chain
    }

    [Fact]
    public void The_schema_names_every_event_type_and_purpose_the_service_writes()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaPath()))!;
        var audit = schema["$defs"]!["audit"]!["properties"]!;
        audit["event_type"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Order().ShouldBe(
            Enum.GetValues<AuditType>().Select(AuditTrail.EventTypeName).Order());
        audit["purpose"]!["enum"]!.AsArray().Where(n => n is not null).Select(n => n!.GetValue<string>()).Order().ShouldBe(
            Enum.GetValues<Purpose>().Select(p => p.Name()).Order());
        schema["properties"]!["type"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Order().ShouldBe(
            Enum.GetValues<AuditType>().Select(AuditTrail.EventTypeName).Append(AuditCheckpoints.EventType).Select(t => "secrets.audit." + t).Order());
    }

    [Theory]
    [InlineData("/data/value", "\"s3cret\"")]                               // no member may carry a value
    [InlineData("/type", "\"secrets.audit.SECRET_LEAKED\"")]
    [InlineData("/data/effect", "\"maybe\"")]
    [InlineData("/specversion", "\"0.3\"")]
    [InlineData("/data/resource_ref", "\"yaml://secret/raw\"")]           // a resource_ref is a hash, never a path
    public async Task The_schema_refuses_an_event_with_a_member_it_does_not_describe(string pointer, string json)
    {
        var host = Host();
        var client = host.CreateClient();
        (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var line = JsonNode.Parse((await OutboxLinesAsync(host)).ShouldHaveSingleItem())!.AsObject();
        Schema().Evaluate(line).IsValid.ShouldBeTrue();

        var parts = pointer.Trim('/').Split('/');
        var parent = parts.Length == 1 ? line : line[parts[0]]!.AsObject();
        parent[parts[^1]] = JsonNode.Parse(json);

        Schema().Evaluate(line, new EvaluationOptions { RequireFormatValidation = true }).IsValid.ShouldBeFalse(line.ToJsonString());
    }

    [Fact]
    public async Task An_event_and_a_checkpoint_look_as_documented()
    {
        var host = Host(("ENVIRONMENT", "test"), ("AUDIT_CHECKPOINT_EVERY", "1"));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(AuditProbe.CorrelationHeader, "snapshot-1");
        (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/snapshot/app", value = new { token = Canary } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var outbox = host.Services.GetRequiredService<AuditOutbox>();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (outbox.NextOffset < 2 && DateTime.UtcNow < until)   // the answer waited for its event; the checkpoint after it commits next
            await Task.Delay(10);

        var lines = await OutboxLinesAsync(host);

        lines.Count.ShouldBe(2);
        Snapshooter.Xunit.Snapshot.Match(new JsonArray(lines.Select(l => (JsonNode?)Stable(JsonNode.Parse(l)!)).ToArray()).ToJsonString(
            new JsonSerializerOptions(Readable) { WriteIndented = true }));
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event with what differs from run to run (node suffix, times, hashes, ids, signature) replaced by its shape.</summary>
    private static JsonNode Stable(JsonNode e)
    {
        var node = e["data"]!["node_id"]!.GetValue<string>();
        var text = e.ToJsonString(Readable)
            .Replace(node, "<node_id>", StringComparison.Ordinal)
            .Replace(e["time"]!.GetValue<string>(), "<time>", StringComparison.Ordinal)
            .Replace(e["data"]!["time"]!.GetValue<string>(), "<time>", StringComparison.Ordinal);
        var stable = JsonNode.Parse(text)!;
        var data = stable["data"]!.AsObject();
        foreach (var name in new[] { "prev_hash", "head_hash", "kid", "sig", "decision_id", "trace_id", "span_id" })
        {
            if (data[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                data[name] = $"<{name}: {value.GetValue<string>().Length} chars>";
        }
        return stable;
    }

    /// <summary>docs/schemas/audit-event.v1.schema.json.</summary>
    public static string SchemaPath() => RepoPaths.Of("docs", "schemas", "audit-event.v1.schema.json");
}
