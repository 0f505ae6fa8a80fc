using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Audit.Kafka;
using Secrets.Testing.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>
/// The audit producer against librdkafka's mock cluster (three brokers, real TCP): every event published is consumed
/// back once, with its key, on its topic, and the events of one key in the order they were published.
/// </summary>
public sealed class KafkaAuditProducerTests : IDisposable
{
    private readonly MockKafkaCluster cluster = new();

    public void Dispose() => cluster.Dispose();

    private KafkaAuditProducer Producer(string prefix) =>
        new(KafkaSettings.From(key => key switch
        {
            "KAFKA_BOOTSTRAP_SERVERS" => cluster.BootstrapServers,
            "KAFKA_TOPIC_PREFIX" => prefix,
            _ => null,
        })!, NullLogger<KafkaAuditProducer>.Instance);

    [Fact]
    public async Task Every_event_is_delivered_once_with_its_key_and_in_order_per_key()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        using var producer = Producer(prefix);
        var keys = new[] { "ref-a", "ref-b", "ref-c" };
        var sent = Enumerable.Range(0, 300).Select(i => (Key: keys[i % 3], Body: $"{{\"seq\":{i}}}")).ToList();

        var deliveries = await Task.WhenAll(sent.Select(e => producer.PublishAsync(producer.Settings.AuditTopic, e.Key, Encoding.UTF8.GetBytes(e.Body), CancellationToken.None)));
        var read = cluster.Consume(producer.Settings.AuditTopic, sent.Count, TimeSpan.FromSeconds(20));

        deliveries.ShouldAllBe(d => d.Status == Confluent.Kafka.PersistenceStatus.Persisted);
        read.Count.ShouldBe(sent.Count);
        read.Select(r => (r.Message.Key!, Encoding.UTF8.GetString(r.Message.Value))).OrderBy(e => e.Item2, StringComparer.Ordinal)
            .ShouldBe(sent.Select(e => (e.Key, e.Body)).OrderBy(e => e.Body, StringComparer.Ordinal));
        foreach (var key in keys)
        {
            var order = read.Where(r => r.Message.Key == key).Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            order.ShouldBe(sent.Where(e => e.Key == key).Select(e => e.Body).ToList(), $"the events of {key} in publishing order");
            read.Where(r => r.Message.Key == key).Select(r => r.Partition.Value).Distinct().Count().ShouldBe(1);
        }
    }

    [Fact]
    public async Task The_two_topics_are_separate()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        using var producer = Producer(prefix);

        await producer.PublishAsync(producer.Settings.SecretsTopic, "ref-x", "{\"change\":1}"u8.ToArray(), CancellationToken.None);
        await producer.PublishAsync(producer.Settings.AuditTopic, "ref-x", "{\"audit\":1}"u8.ToArray(), CancellationToken.None);
        await producer.PublishAsync(producer.Settings.AuditTopic, "ref-y", "{\"audit\":2}"u8.ToArray(), CancellationToken.None);

        cluster.Consume(prefix + ".secrets", 1, TimeSpan.FromSeconds(10)).Select(r => Encoding.UTF8.GetString(r.Message.Value)).ShouldBe(["{\"change\":1}"]);
        cluster.Consume(prefix + ".secrets.audit", 2, TimeSpan.FromSeconds(10)).Count.ShouldBe(2);
    }
}
