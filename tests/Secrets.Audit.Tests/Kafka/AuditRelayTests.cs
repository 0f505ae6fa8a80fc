using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Secrets.Audit.Kafka;
using Secrets.Audit.Tests.Outbox;
using Secrets.Testing.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>
/// The relay from the outbox to Kafka (librdkafka's mock cluster, a real outbox on disk): every event once, in order per
/// key, acknowledged only when delivered; Kafka away holds everything; a relay that starts again from an older
/// acknowledgement sends duplicates with the same event id, never a loss.
/// </summary>
public sealed class AuditRelayTests : IDisposable
{
    private static readonly string[] Refs = ["ref-a", "ref-b", "ref-c", "ref-d", "ref-e"];
    private readonly MockKafkaCluster cluster = new();
    private readonly TempOutbox dir = new();
    private readonly string prefix = "r" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        cluster.Dispose();
        dir.Dispose();
    }

    private KafkaAuditProducer Producer(string servers) =>
        new(KafkaSettings.From(key => key switch
        {
            "KAFKA_BOOTSTRAP_SERVERS" => servers,
            "KAFKA_TOPIC_PREFIX" => prefix,
            _ => null,
        })!, NullLogger<KafkaAuditProducer>.Instance);

    /// <summary>Event n: keyed by one of five refs, every third one a successful write.</summary>
    private static byte[] Event(int n) => Encoding.UTF8.GetBytes(
        $$$"""{"specversion":"1.0","id":"n:{{{n}}}","subject":"{{{Refs[n % Refs.Length]}}}","data":{"seq":{{{n}}},"event_type":"{{{(n % 3 == 0 ? "SECRET_WRITTEN" : "SECRET_READ")}}}","effect":"success","resource_ref":"{{{Refs[n % Refs.Length]}}}"}}""");

    private static async Task AppendAsync(Secrets.Audit.Outbox.AuditOutbox outbox, int count)
    {
        for (var n = 0; n < count; n++)
            await outbox.AppendAsync(Event(n), CancellationToken.None);
    }

    private static async Task DrainAsync(AuditRelay relay, Secrets.Audit.Outbox.AuditOutbox outbox)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (outbox.NextUnacknowledged < outbox.NextOffset)
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the relay did not catch up");
            await relay.RelayOnceAsync(CancellationToken.None);
        }
    }

    private static List<int> Ids(IEnumerable<Confluent.Kafka.ConsumeResult<string?, byte[]>> read) =>
        read.Select(r => System.Text.Json.JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("data").GetProperty("seq").GetInt32()).ToList();

    [Fact]
    public async Task Every_event_reaches_Kafka_once_in_order_per_key_and_is_then_acknowledged()
    {
        await using var outbox = dir.Open();
        using var producer = Producer(cluster.BootstrapServers);
        var relay = new AuditRelay(outbox, producer, NullLogger<AuditRelay>.Instance);
        await AppendAsync(outbox, 1000);

        await DrainAsync(relay, outbox);

        outbox.NextUnacknowledged.ShouldBe(1000);
        var audit = cluster.Consume(prefix + ".secrets.audit", 1000, TimeSpan.FromSeconds(30));
        Ids(audit).Order().ShouldBe(Enumerable.Range(0, 1000));
        foreach (var key in Refs)
            Ids(audit.Where(r => r.Message.Key == key)).ShouldBe(Enumerable.Range(0, 1000).Where(n => Refs[n % Refs.Length] == key), $"{key} in order");
        var changes = cluster.Consume(prefix + ".secrets", 334, TimeSpan.FromSeconds(30));
        Ids(changes).Order().ShouldBe(Enumerable.Range(0, 1000).Where(n => n % 3 == 0));
    }

    [Fact]
    public async Task After_a_batch_smaller_than_the_batch_size_the_relay_pauses_before_it_reads_again()
    {
        await using var outbox = dir.Open();
        using var producer = Producer(cluster.BootstrapServers);
        var time = new FakeTimeProvider();
        using var relay = new AuditRelay(outbox, producer, NullLogger<AuditRelay>.Instance, time);
        await outbox.AppendAsync(Event(0), CancellationToken.None);
        await relay.StartAsync(CancellationToken.None);
        await WaitForAsync(() => outbox.NextUnacknowledged == 1);

        await outbox.AppendAsync(Event(1), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));   // real time: the relay's pause runs on the fake clock
        outbox.NextUnacknowledged.ShouldBe(1);
        time.Advance(AuditRelay.Pace);

        await WaitForAsync(() => outbox.NextUnacknowledged == 2);
        await relay.StopAsync(CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the relay did not get there");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task With_Kafka_away_nothing_is_acknowledged_and_a_relay_started_later_delivers_all_in_order()
    {
        await using var outbox = dir.Open();
        await AppendAsync(outbox, 1000);
        using (var away = Producer(DeadAddress()))
        {
            var stalled = new AuditRelay(outbox, away, NullLogger<AuditRelay>.Instance);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Should.ThrowAsync<OperationCanceledException>(() => stalled.RelayOnceAsync(patience.Token));
        }
        outbox.NextUnacknowledged.ShouldBe(0);   // nothing counted as delivered

        using var producer = Producer(cluster.BootstrapServers);
        await DrainAsync(new AuditRelay(outbox, producer, NullLogger<AuditRelay>.Instance), outbox);

        var audit = cluster.Consume(prefix + ".secrets.audit", 1000, TimeSpan.FromSeconds(30));
        Ids(audit).Order().ShouldBe(Enumerable.Range(0, 1000));
        foreach (var key in Refs)
            Ids(audit.Where(r => r.Message.Key == key)).ShouldBe(Enumerable.Range(0, 1000).Where(n => Refs[n % Refs.Length] == key));
    }

    [Fact]
    public async Task A_relay_that_starts_again_before_its_acknowledgement_sends_duplicates_with_the_same_ids_and_loses_none()
    {
        await using (var outbox = dir.Open())
            await AppendAsync(outbox, 200);
        var before = dir.Root + "-before";
        CopyDirectory(dir.OutboxPath, before);   // the outbox as it was before the relay acknowledged anything
        try
        {
            using var producer = Producer(cluster.BootstrapServers);
            await using (var outbox = dir.Open())
                await DrainAsync(new AuditRelay(outbox, producer, NullLogger<AuditRelay>.Instance), outbox);
            await using (var restarted = Secrets.Audit.Outbox.AuditOutbox.Open(new Secrets.Audit.Outbox.AuditOutboxOptions(before), NullLogger<Secrets.Audit.Outbox.AuditOutbox>.Instance))
                await DrainAsync(new AuditRelay(restarted, producer, NullLogger<AuditRelay>.Instance), restarted);

            var ids = Ids(cluster.Consume(prefix + ".secrets.audit", 400, TimeSpan.FromSeconds(30)));
            ids.Count.ShouldBe(400);
            ids.GroupBy(id => id).ShouldAllBe(g => g.Count() == 2);
            ids.Distinct().Order().ShouldBe(Enumerable.Range(0, 200));
        }
        finally
        {
            Directory.Delete(before, recursive: true);
        }
    }

    private static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
