using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Audit.Kafka;
using Secrets.Audit.Outbox;
using Secrets.Testing.Kafka;

namespace Secrets.Benchmarks;

/// <summary>
/// The durable audit path without HTTP (docs/BENCHMARKS.md#durable-audit): one operation is <see cref="Events"/> audit
/// events of about 1 KB (CloudEvents JSON, as the service writes them) appended by
/// <see cref="Appenders"/> concurrent appenders, every append waiting for its group commit's flush, while the service's
/// <see cref="AuditRelay"/> and <see cref="KafkaAuditProducer"/> deliver the outbox to librdkafka's mock cluster (one
/// broker, in this process, over TCP on 127.0.0.1). The operation ends when the last event is acknowledged in the
/// outbox, which the relay does only once the brokers took every event before it: events appended and delivered.
/// Each append's latency is recorded; <see cref="Cleanup"/> checks every event was appended and acknowledged.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class OutboxKafkaBenchmarks
{
    public const string CheckPrefix = "OUTBOX check";
    public const int Events = 500_000;

    /// <summary>Per case (appenders): the 99th percentile of append latency in ms, one per iteration including warm-up.</summary>
    public static readonly ConcurrentDictionary<int, ConcurrentQueue<double>> AppendP99Ms = new();

    private string directory = "";
    private MockKafkaCluster cluster = null!;
    private KafkaAuditProducer producer = null!;
    private AuditOutbox outbox = null!;
    private AuditRelay relay = null!;
    private byte[][] events = [];
    private long[][] latencies = [];

    [Params(64)]
    public int Appenders { get; set; } = 64;

    [GlobalSetup]
    public void Setup()
    {
        var root = Environment.GetEnvironmentVariable("OUTBOX_BENCH_DIR") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        directory = Path.Combine(root, "outbox-kafka-bench-" + Guid.NewGuid().ToString("N"));
        cluster = new MockKafkaCluster(1);
        producer = new KafkaAuditProducer(new KafkaSettings(cluster.BootstrapServers, "bench", new Dictionary<string, string>()),
            NullLogger<KafkaAuditProducer>.Instance);
        outbox = AuditOutbox.Open(new AuditOutboxOptions(directory), NullLogger<AuditOutbox>.Instance);
        relay = new AuditRelay(outbox, producer, NullLogger<AuditRelay>.Instance);
        relay.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        events = [.. Enumerable.Range(0, Appenders).Select(Event)];
        latencies = [.. Enumerable.Range(0, Appenders).Select(a => new long[Share(a)])];
        AppendP99Ms.TryAdd(Appenders, new ConcurrentQueue<double>());
        Console.WriteLine($"{CheckPrefix} kafka appenders={Appenders}: events of {events[0].Length} bytes, Kafka mock cluster at {cluster.BootstrapServers}");
    }

    [Benchmark]
    public async Task AppendAndDeliver()
    {
        var end = outbox.NextOffset + Events;
        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            var payload = events[a];
            var times = latencies[a];
            for (var i = 0; i < times.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await outbox.AppendAsync(payload, CancellationToken.None);
                times[i] = Stopwatch.GetTimestamp() - started;
            }
        })));
        while (outbox.NextUnacknowledged < end)
            await Task.Delay(1);
    }

    [IterationCleanup]
    public void RecordLatency()
    {
        var all = latencies.SelectMany(t => t).Order().ToArray();
        var p99 = all[(int)Math.Ceiling(all.Length * 0.99) - 1];
        AppendP99Ms[Appenders].Enqueue(p99 * 1000.0 / Stopwatch.Frequency);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var appended = outbox.NextOffset;
        var acknowledged = outbox.NextUnacknowledged;
        var ok = appended > 0 && appended % Events == 0 && acknowledged == appended && outbox.DepthBytes == 0 && producer.Flush(TimeSpan.FromSeconds(5)) == 0;
        Console.WriteLine($"{CheckPrefix} kafka appenders={Appenders}: {appended} events appended, {acknowledged} acknowledged after delivery to Kafka, "
                          + $"{outbox.FsyncCount} fsyncs " + (ok ? "OK" : "FAILED"));
        relay.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        relay.Dispose();
        outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        producer.Dispose();
        cluster.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>How many of the <see cref="Events"/> appender <paramref name="appender"/> appends (the first ones one more).</summary>
    private int Share(int appender) => (Events / Appenders) + (appender < Events % Appenders ? 1 : 0);

    /// <summary>
    /// A successful read's audit event as the service writes it (the schema's fields, realistic values, about 1 KB
    /// bytes): a CloudEvent whose subject is one of <see cref="Appenders"/> resource refs, so the relay keys and spreads
    /// them over partitions as it would.
    /// </summary>
    private static byte[] Event(int appender)
    {
        var node = "bench-node-" + appender.ToString("D4", CultureInfo.InvariantCulture);
        var resourceRef = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("yaml://secret/app-" + appender.ToString(CultureInfo.InvariantCulture))));
        var prevHash = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(node)));
        var text =
            "{\"specversion\":\"1.0\",\"id\":\"" + node + ":1\",\"source\":\"urn:secrets-platform:audit:node:" + node + "\","
            + "\"type\":\"secrets.audit.SECRET_READ\",\"time\":\"2026-12-07T05:00:00.000000Z\",\"datacontenttype\":\"application/json\","
            + "\"dataschema\":\"urn:secrets-platform:schema:audit-event:v1\",\"subject\":\"" + resourceRef + "\",\"data\":{"
            + "\"node_id\":\"" + node + "\",\"seq\":1,\"prev_hash\":\"" + prevHash + "\",\"event_type\":\"SECRET_READ\","
            + "\"time\":\"2026-12-07T05:00:00.000000Z\",\"tenant\":\"t1\",\"subject\":\"svc-orders\",\"client\":\"orders-api\","
            + "\"purpose\":\"read\",\"effect\":\"success\",\"resource_ref\":\"" + resourceRef + "\",\"provider\":\"yaml\","
            + "\"decision_id\":\"" + Guid.NewGuid().ToString("D") + "\",\"kv_version\":1,\"correlation_id\":\"" + Guid.NewGuid().ToString("N")[..16] + "\","
            + "\"trace_id\":\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\",\"span_id\":\""
            + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "\",\"error_code\":null,\"uri\":null,"
            + "\"source_resource_ref\":null,\"source_uri\":null,\"source_kv_version\":null,\"related_decision_ids\":null}}";
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
