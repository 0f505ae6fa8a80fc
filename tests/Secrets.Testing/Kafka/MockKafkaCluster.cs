using Confluent.Kafka;

namespace Secrets.Testing.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster: a holder client creates it and keeps it alive; other clients reach its brokers
/// over real TCP on 127.0.0.1 at <see cref="BootstrapServers"/>. Topics are created on first use.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly IProducer<Null, Null> holder;

    public MockKafkaCluster(int brokers = 3)
    {
        var config = new ProducerConfig { BootstrapServers = "" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        holder = new ProducerBuilder<Null, Null>(config).Build();
        using var admin = new DependentAdminClientBuilder(holder.Handle).Build();
        BootstrapServers = string.Join(",", admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Select(b => $"{b.Host}:{b.Port}"));
    }

    public string BootstrapServers { get; }

    /// <summary>
    /// Reads <paramref name="topic"/> from the beginning until <paramref name="count"/> messages arrived (or
    /// <paramref name="timeout"/> passed), then one more second for any message beyond them; every message read, in
    /// partition order. A test asserts the count: more than it expected is a duplicate, fewer a loss.
    /// </summary>
    public IReadOnlyList<ConsumeResult<string?, byte[]>> Consume(string topic, int count, TimeSpan timeout)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        config.Set("group.protocol", "consumer");
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var read = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        DateTime? settled = null;
        while (DateTime.UtcNow < (settled ?? deadline))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
                read.Add(result);
            if (settled is null && read.Count >= count)
                settled = DateTime.UtcNow.AddSeconds(1);
        }
        consumer.Close();
        return read;
    }

    public void Dispose() => holder.Dispose();
}
