using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;

namespace Secrets.Faults;

/// <summary>
/// Reads the audit topic from the beginning of every partition (no consumer group is joined) and writes the
/// event id and the <c>correlation_id</c> of every event, one event a line (a relay retry may deliver an event twice,
/// always with the same id), once <c>expected</c> events were read and a second passed
/// without more, or the timeout passed. Checkpoints and other events without a correlation id are counted apart.
/// </summary>
internal static class AuditIds
{
    public static int Run(string bootstrap, string topic, string outFile, string expectedText, string secondsText)
    {
        var expected = int.Parse(expectedText, CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(double.Parse(secondsText, CultureInfo.InvariantCulture));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "faults-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(partitions);
        var ids = new List<string>();
        var other = 0;
        var idleSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && !(ids.Count >= expected && DateTime.UtcNow - idleSince > TimeSpan.FromSeconds(1)))
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (message?.Message is null)
                continue;
            idleSince = DateTime.UtcNow;
            using var json = JsonDocument.Parse(message.Message.Value);
            var root = json.RootElement;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("correlation_id", out var id) && id.ValueKind == JsonValueKind.String)
                ids.Add($"{root.GetProperty("id").GetString()} {id.GetString()}");
            else
                other++;
        }
        File.WriteAllLines(outFile, ids);
        Console.WriteLine($"audit-ids: {ids.Count} events with a correlation id, {other} without");
        return 0;
    }
}
