using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Secrets.Testing.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster: a holder client creates it and keeps it alive; other clients reach its brokers
/// over real TCP on 127.0.0.1 at <see cref="BootstrapServers"/>. Topics are created on first use. A broker can be
/// taken down and brought back (<see cref="SetBrokerDown"/>, <see cref="SetBrokerUp"/>) through librdkafka's mock API.
/// </summary>
public sealed partial class MockKafkaCluster : IDisposable
{
    private readonly IProducer<Null, Null> holder;

    /// <summary>The mock API binds to the librdkafka build Confluent.Kafka loaded (it picks one of several by platform).</summary>
    static MockKafkaCluster() => NativeLibrary.SetDllImportResolver(typeof(MockKafkaCluster).Assembly, (name, _, _) =>
        name == "librdkafka" && LoadedLibrdkafka() is { } path ? NativeLibrary.Load(path) : IntPtr.Zero);

    public MockKafkaCluster(int brokers = 3)
    {
        var config = new ProducerConfig { BootstrapServers = "" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        holder = new ProducerBuilder<Null, Null>(config).Build();
        using var admin = new DependentAdminClientBuilder(holder.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers;
        BootstrapServers = string.Join(",", metadata.Select(b => $"{b.Host}:{b.Port}"));
        BrokerIds = [.. metadata.Select(b => b.BrokerId).Order()];
    }

    public string BootstrapServers { get; }

    /// <summary>The brokers' ids (1, 2, 3 for three brokers).</summary>
    public IReadOnlyList<int> BrokerIds { get; }

    /// <summary>
    /// Takes broker <paramref name="brokerId"/> down: its connections are closed and new ones refused until
    /// <see cref="SetBrokerUp"/>. Its partitions keep it as their leader (no failover), so whatever they hold or are
    /// sent stays out of reach meanwhile; the other brokers go on serving theirs.
    /// </summary>
    public void SetBrokerDown(int brokerId) => Check(BrokerSetDown(MockCluster(), brokerId), "down", brokerId);

    /// <summary>Lets broker <paramref name="brokerId"/> take connections again (clients reconnect after their backoff).</summary>
    public void SetBrokerUp(int brokerId) => Check(BrokerSetUp(MockCluster(), brokerId), "up", brokerId);

    /// <summary>Every broker down: the cluster is unreachable, as a Kafka outage looks to a client.</summary>
    public void SetAllBrokersDown()
    {
        foreach (var id in BrokerIds)
            SetBrokerDown(id);
    }

    /// <summary>Every broker up again.</summary>
    public void SetAllBrokersUp()
    {
        foreach (var id in BrokerIds)
            SetBrokerUp(id);
    }

    /// <summary>The broker that leads each partition of <paramref name="topic"/>, by partition.</summary>
    public IReadOnlyDictionary<int, int> Leaders(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();   // any broker that is up answers
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.ToDictionary(p => p.PartitionId, p => p.Leader);
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the beginning of each of its partitions, without a consumer group (so a
    /// broker that is down holds up only its own partitions), until <paramref name="enough"/> says so for the
    /// messages read so far or <paramref name="timeout"/> passed; every message read, in partition order.
    /// </summary>
    public IReadOnlyList<ConsumeResult<string?, byte[]>> Peek(string topic, Func<IReadOnlyList<ConsumeResult<string?, byte[]>>, bool> enough, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(enough);
        var partitions = Leaders(topic).Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)).ToList();
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "peek-" + Guid.NewGuid().ToString("N"),   // required by the client, never joined: partitions are assigned
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Assign(partitions);
        var read = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !enough(read))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
                read.Add(result);
        }
        consumer.Close();
        return read;
    }

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

    /// <summary>
    /// The mock cluster of the holder client. Confluent.Kafka keeps a client's librdkafka handle internal, so it is
    /// read by reflection; librdkafka's own mock API then takes it (rdkafka_mock.h).
    /// </summary>
    private IntPtr MockCluster()
    {
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Confluent.Kafka.Handle no longer has LibrdkafkaHandle: read the client's rd_kafka_t another way");
        var handle = (SafeHandle)property.GetValue(holder.Handle)!;
        var cluster = HandleMockCluster(handle.DangerousGetHandle());
        return cluster != IntPtr.Zero ? cluster : throw new InvalidOperationException("the holder client has no mock cluster");
    }

    /// <summary>The path of the librdkafka file mapped into this process (Linux), or null.</summary>
    private static string? LoadedLibrdkafka()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
            return null;
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : "")
            .FirstOrDefault(path => Path.GetFileName(path).EndsWith("librdkafka.so", StringComparison.Ordinal));
    }

    private static void Check(int error, string state, int brokerId)
    {
        if (error != 0)
            throw new InvalidOperationException($"librdkafka could not set mock broker {brokerId} {state}: {(ErrorCode)error}");
    }

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_handle_mock_cluster")]
    private static partial IntPtr HandleMockCluster(IntPtr rk);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_mock_broker_set_down")]
    private static partial int BrokerSetDown(IntPtr cluster, int brokerId);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_mock_broker_set_up")]
    private static partial int BrokerSetUp(IntPtr cluster, int brokerId);
}
