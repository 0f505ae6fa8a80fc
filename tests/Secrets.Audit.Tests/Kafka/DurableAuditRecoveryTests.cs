using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Outbox;
using Secrets.Audit.Tests.Outbox;
using Secrets.Testing;
using Secrets.Testing.Audit;
using Secrets.Testing.Kafka;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>
/// The durable audit pipeline through faults (docs/AUDIT.md#kafka, #recovery), with the host in-process over a real
/// outbox and librdkafka's mock cluster: Kafka unreachable for a thousand operations costs none of them and none of
/// their events; a torn record left by a stopped host is cut off at the next start, reported, and never relayed.
/// </summary>
public sealed class DurableAuditRecoveryTests : IDisposable
{
    private readonly TempOutbox dir = new();
    private readonly MockKafkaCluster cluster = new();
    private readonly string prefix = "f" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<SecretsHostFactory> hosts = [];

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        cluster.Dispose();
        dir.Dispose();
    }

    private string AuditTopic => prefix + ".secrets.audit";

    private SecretsHostFactory Host(params (string Key, string Value)[] settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
            ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath,
            ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers,
            ["KAFKA_TOPIC_PREFIX"] = prefix,
        };
        foreach (var (key, value) in settings)
            config[key] = value;
        var host = new SecretsHostFactory(config);
        hosts.Add(host);
        return host;
    }

    /// <summary>Writes the key <c>token</c> of <paramref name="uri"/>: the same <c>resource_ref</c> (Kafka key) as <see cref="Read"/>.</summary>
    private static HttpRequestMessage Write(string uri, string value, string correlationId) =>
        PostJson("/api/secrets", JsonSerializer.Serialize(new { uri = uri + "#token", value }), correlationId);

    private static HttpRequestMessage Read(string uri, string correlationId) =>
        Get($"/api/secrets/value?uri={Q(uri + "#token")}", correlationId);

    private static async Task SendOkAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{request.Method} {request.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task UntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_thousand_operations_while_Kafka_is_down_all_succeed_and_reach_Kafka_once_each_in_order_when_it_is_back()
    {
        // no checkpoint falls among the 1,020 events (the host stops only when the test ends): every record is an operation's
        var host = Host(("AUDIT_CHECKPOINT_EVERY", "100000"), ("AUDIT_CHECKPOINT_SECONDS", "86400"));
        var client = host.CreateClient();
        var outbox = host.Services.GetRequiredService<AuditOutbox>();
        const int Secrets = 20;
        const int PerSecret = 50;
        const int Total = Secrets + (Secrets * PerSecret);
        var uris = Enumerable.Range(0, Secrets).Select(s => $"openbao+kv2://secret/outage/s{s:D2}").ToArray();
        // before the outage: one write per secret, relayed (the topics exist and the producer has its id from here on)
        for (var s = 0; s < Secrets; s++)
            await SendOkAsync(client, Write(uris[s], "canary-value-warm", $"s{s:D2}-warm"));
        await UntilAsync(() => outbox.NextUnacknowledged == Secrets, TimeSpan.FromSeconds(30), "the first writes reach Kafka");

        cluster.SetAllBrokersDown();
        // 1,000 operations, one caller per secret in parallel, each caller's in order: every tenth a write, the rest reads
        await Task.WhenAll(Enumerable.Range(0, Secrets).Select(async s =>
        {
            for (var j = 0; j < PerSecret; j++)
            {
                var correlationId = $"s{s:D2}-op{j:D2}";
                await SendOkAsync(client, j % 10 == 0 ? Write(uris[s], $"canary-value-{j}", correlationId) : Read(uris[s], correlationId));
            }
        }));

        outbox.NextOffset.ShouldBe(Total);                 // every operation's event is on disk …
        outbox.NextUnacknowledged.ShouldBe(Secrets);       // … and none was taken for delivered while the brokers were away
        cluster.SetAllBrokersUp();
        await UntilAsync(() => outbox.NextUnacknowledged == Total, TimeSpan.FromSeconds(60), "the outbox drains once Kafka is back");

        var stored = await outbox.ReadAsync(0, Total + 1, CancellationToken.None);
        stored.Count.ShouldBe(Total);
        var storedIds = stored.Select(r => AuditPayload.Id(r.Payload.ToArray())).ToList();
        storedIds.ShouldBe(storedIds.Order().ToList(), "the outbox holds the events in the order of their ids");
        var audit = cluster.Consume(AuditTopic, Total, TimeSpan.FromSeconds(30));
        audit.Count.ShouldBe(Total);                       // none lost, none twice
        var delivered = audit.Select(r => (Partition: r.Partition.Value, Offset: r.Offset.Value, r.Message.Key, r.Message.Value, Id: AuditPayload.Id(r.Message.Value))).ToList();
        delivered.Select(d => d.Id).Order().ShouldBe(storedIds);
        var storedBytes = stored.ToDictionary(r => AuditPayload.Id(r.Payload.ToArray()), r => r.Payload.ToArray());
        delivered.Where(d => !d.Value.AsSpan().SequenceEqual(storedBytes[d.Id])).Select(d => d.Id).ShouldBeEmpty("what reaches Kafka is the stored event, byte for byte");
        foreach (var partition in delivered.GroupBy(d => d.Partition))
        {
            var ids = partition.OrderBy(d => d.Offset).Select(d => d.Id).ToList();
            ids.ShouldBe(ids.Order().ToList(), $"partition {partition.Key} in the order of the event ids");
        }
        var bySecret = delivered.GroupBy(d => d.Key).ToList();
        bySecret.Count.ShouldBe(Secrets);
        foreach (var events in bySecret)
        {
            var correlationIds = events.OrderBy(d => d.Offset).Select(d => AuditPayload.Text(d.Value, "correlation_id")!).ToList();
            var s = correlationIds[0][..3];
            correlationIds.ShouldBe([$"{s}-warm", .. Enumerable.Range(0, PerSecret).Select(j => $"{s}-op{j:D2}")], "one event per operation of the secret, in the order the caller made them");
        }
        var changes = cluster.Consume(prefix + ".secrets", Secrets + (Secrets * PerSecret / 10), TimeSpan.FromSeconds(30));
        changes.Select(r => AuditPayload.Id(r.Message.Value)).Order().ShouldBe(
            delivered.Where(d => AuditPayload.Text(d.Value, "event_type") == "SECRET_WRITTEN").Select(d => d.Id).Order());
        audit.Concat(changes).ShouldAllBe(r => !Encoding.UTF8.GetString(r.Message.Value).Contains("canary-value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_torn_last_record_left_by_a_stopped_host_is_cut_off_at_the_next_start_reported_and_never_relayed()
    {
        var first = Host();
        var client = first.CreateClient();
        for (var i = 0; i < 3; i++)
            await SendOkAsync(client, Write($"openbao+kv2://secret/torn/s{i}", "v", $"before-{i}"));
        var firstOutbox = first.Services.GetRequiredService<AuditOutbox>();
        await UntilAsync(() => firstOutbox.NextUnacknowledged == 3, TimeSpan.FromSeconds(30), "the first host relays its events");
        first.Dispose();   // stopped: the outbox is closed, the last record the checkpoint the stop signed
        await firstOutbox.DisposeAsync();   // closed before the next host opens the directory (a no-op once the host closed it)
        var kept = OutboxFiles.Payloads(dir.OutboxPath).ToList();
        kept.Count.ShouldBe(4);
        AuditPayload.IsCheckpoint(kept[^1]).ShouldBeTrue();

        // power lost while the next record was written: the whole event reached the disk, its CRC did not
        var segment = OutboxFiles.Segments(dir.OutboxPath).ShouldHaveSingleItem();
        var durable = kept.Sum(p => (long)OutboxFraming.FramedLength(p.Length));   // where the records end
        await using (var file = new FileStream(segment, FileMode.Open))
            file.SetLength(durable);   // as a clean stop leaves the segment: records only, no space filled ahead
        var payload = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"n:999","data":{"event_type":"SECRET_WRITTEN","effect":"success","resource_ref":"torn-canary","correlation_id":"torn-1"}}""");
        var frame = new byte[OutboxFraming.FramedLength(payload.Length)];
        OutboxFraming.Write(payload, frame);
        var torn = frame[..^2];
        await using (var file = new FileStream(segment, FileMode.Append))
            await file.WriteAsync(torn);

        var second = Host();
        client = second.CreateClient();   // starts the host; its relay opens the outbox

        new FileInfo(segment).Length.ShouldBe(durable);
        var cut = second.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Audit outbox: cut a torn record off", StringComparison.Ordinal)).ShouldHaveSingleItem();
        cut.Level.ShouldBe(Serilog.Events.LogEventLevel.Warning);
        (cut.Prop("Segment"), cut.Prop("Offset"), cut.Prop("Position"), cut.Prop("Bytes")).ShouldBe((Path.GetFileName(segment), 4L, durable, (long)torn.Length));
        for (var i = 0; i < 2; i++)
            await SendOkAsync(client, Write($"openbao+kv2://secret/torn/s{i}", "w", $"after-{i}"));
        var outbox = second.Services.GetRequiredService<AuditOutbox>();
        var drained = DateTime.UtcNow.AddSeconds(60);
        while (!(outbox.NextOffset >= 6 && outbox.NextUnacknowledged == outbox.NextOffset))
        {
            DateTime.UtcNow.ShouldBeLessThan(drained, $"the second host relays the first one's checkpoint and its own events " +
                $"(next {outbox.NextOffset}, unacknowledged from {outbox.NextUnacknowledged}); warnings: " + string.Join(" | ", second.Logs.Events
                    .Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning).Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture))));
            await Task.Delay(20);
        }
        outbox.NextOffset.ShouldBe(6, "3 events and a checkpoint, and the second host's 2 events: the torn record was never counted");
        (await MetricValueAsync(client, "secrets_audit_outbox_truncated_total")).ShouldBeGreaterThanOrEqualTo(1);

        string[] expected = ["before-0", "before-1", "before-2", "after-0", "after-1"];
        OutboxFiles.Payloads(dir.OutboxPath).Where(p => !AuditPayload.IsCheckpoint(p)).Select(p => AuditPayload.Text(p, "correlation_id")).ShouldBe(expected);
        var audit = cluster.Consume(AuditTopic, 6, TimeSpan.FromSeconds(30));
        audit.Count(r => AuditPayload.IsCheckpoint(r.Message.Value)).ShouldBe(1);
        audit.Where(r => !AuditPayload.IsCheckpoint(r.Message.Value)).Select(r => AuditPayload.Text(r.Message.Value, "correlation_id"))
            .Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal));
        audit.ShouldAllBe(r => !Encoding.UTF8.GetString(r.Message.Value).Contains("torn-canary", StringComparison.Ordinal));
    }

    /// <summary>The value of one unlabelled series on <c>/metrics</c>, once it is there (the exporter answers from a cache for a moment).</summary>
    private static async Task<double> MetricValueAsync(HttpClient client, string series)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var line = (await client.GetStringAsync("/metrics")).Split('\n')
                .FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal) || l.StartsWith(series + "{", StringComparison.Ordinal));
            if (line is not null)
                return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            DateTime.UtcNow.ShouldBeLessThan(until, $"{series} is not on /metrics");
            await Task.Delay(100);
        }
    }
}
