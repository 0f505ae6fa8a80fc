using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Outbox;
using Secrets.Audit.Tests.Outbox;
using Secrets.Testing;
using Secrets.Testing.Kafka;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>
/// The durable audit pipeline end to end (docs/AUDIT.md#durable-audit): operations through the API become events in
/// the outbox before they are answered, and reach Kafka (librdkafka's mock cluster) once each, keyed by
/// <c>resource_ref</c>, without a value anywhere; an outbox that cannot take events refuses the operation before any
/// provider is called (fail closed), or lets it through and logs the loss (fail open).
/// </summary>
public sealed class DurableAuditPipelineTests : IDisposable
{
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
        var config = new Dictionary<string, string?> { ["RATE_LIMIT_PER_CLIENT_RPS"] = "0" };
        foreach (var (key, value) in settings)
            config[key] = value;
        var host = new SecretsHostFactory(config);
        hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task N_operations_through_the_API_are_N_events_in_Kafka_keyed_by_resource_ref_with_no_value()
    {
        using var cluster = new MockKafkaCluster();
        var prefix = "e" + Guid.NewGuid().ToString("N")[..8];
        var host = Host(("AUDIT_OUTBOX_PATH", dir.OutboxPath), ("KAFKA_BOOTSTRAP_SERVERS", cluster.BootstrapServers), ("KAFKA_TOPIC_PREFIX", prefix));
        var client = host.CreateClient();
        const int Secrets = 10;

        for (var i = 0; i < Secrets; i++)
        {
            var uri = $"openbao+kv2://secret/pipeline/s{i}";
            (await client.PostJsonAsync("/api/secrets", new { uri, value = new { token = $"canary-value-{i}" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.GetAsync($"/api/secrets/value?uri={Q(uri + "#token")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var outbox = host.Services.GetRequiredService<AuditOutbox>();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (outbox.NextUnacknowledged < 2 * Secrets && DateTime.UtcNow < until)
            await Task.Delay(20);
        outbox.NextUnacknowledged.ShouldBe(2 * Secrets);   // all in Kafka (the topics exist from here on), none left in the outbox
        var audit = cluster.Consume(prefix + ".secrets.audit", 2 * Secrets, TimeSpan.FromSeconds(30));
        var changes = cluster.Consume(prefix + ".secrets", Secrets, TimeSpan.FromSeconds(30));
        audit.Count.ShouldBe(2 * Secrets);
        changes.Count.ShouldBe(Secrets);
        var events = audit.Select(r => (Key: r.Message.Key, Event: JsonNode.Parse(r.Message.Value)!["data"]!)).ToList();
        events.ShouldAllBe(e => e.Key == e.Event["resource_ref"]!.GetValue<string>());
        events.Select(e => e.Event["event_type"]!.GetValue<string>()).Order().ShouldBe(
            Enumerable.Repeat("SECRET_READ", Secrets).Concat(Enumerable.Repeat("SECRET_WRITTEN", Secrets)));
        changes.Select(r => r.Message.Key).Order().ShouldBe(
            events.Where(e => e.Event["event_type"]!.GetValue<string>() == "SECRET_WRITTEN").Select(e => e.Key).Order());
        audit.Concat(changes).ShouldAllBe(r => !Encoding.UTF8.GetString(r.Message.Value).Contains("canary-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_operation_is_answered_only_once_its_event_is_on_disk()
    {
        var host = Host(("AUDIT_OUTBOX_PATH", dir.OutboxPath));
        var client = host.CreateClient();
        var outbox = host.Services.GetRequiredService<AuditOutbox>();

        for (var i = 1; i <= 5; i++)
        {
            (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}")).StatusCode.ShouldBe(HttpStatusCode.OK);
            outbox.NextOffset.ShouldBe(i);   // durable when the answer arrived, not later
        }
        var stored = await outbox.ReadAsync(0, 10, CancellationToken.None);
        stored.Select(r => JsonNode.Parse(r.Payload.Span)!["data"]!["event_type"]!.GetValue<string>()).ShouldAllBe(t => t == "SECRET_READ");
    }

    [Fact]
    public async Task Fail_closed_an_outbox_that_cannot_take_events_refuses_the_operation_before_the_provider_is_called()
    {
        var blocked = Path.Combine(dir.Root, "a-file");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var host = Host(("AUDIT_OUTBOX_PATH", Path.Combine(blocked, "outbox")), ("AUDIT_FAIL_CLOSED", "true"));
        var client = host.CreateClient();
        var before = await File.ReadAllTextAsync(host.YamlPath);

        var write = await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/refused", value = new { k = "v" } });

        await write.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "AUDIT_UNAVAILABLE");
        write.Headers.RetryAfter.ShouldNotBeNull();
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);   // the provider was never asked
    }

    [Fact]
    public async Task Fail_open_the_operation_goes_through_and_the_lost_durability_is_logged()
    {
        var blocked = Path.Combine(dir.Root, "a-file");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var host = Host(("AUDIT_OUTBOX_PATH", Path.Combine(blocked, "outbox")), ("AUDIT_FAIL_CLOSED", "false"));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Correlation-ID", "fail-open-1");

        (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/fail-open", value = new { k = "v" } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await AuditProbe.EventsAsync(client, "correlation_id=fail-open-1")).ShouldHaveSingleItem()["event_type"]!.GetValue<string>().ShouldBe("SECRET_WRITTEN");
        host.Logs.AllText().ShouldContain("could not be made durable");
    }
}
