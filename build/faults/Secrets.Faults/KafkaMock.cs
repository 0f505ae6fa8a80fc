using Secrets.Testing.Kafka;

namespace Secrets.Faults;

/// <summary>
/// librdkafka's mock cluster, held by this process: its bootstrap servers go to the file. While a file named
/// <c>down</c> exists in the control directory every broker is down (connections closed, new ones refused), as a
/// Kafka outage looks to a client; when it is gone they are up again. Runs until stopped.
/// </summary>
internal static class KafkaMock
{
    public static async Task<int> RunAsync(string bootstrapFile, string controlDir)
    {
        using var cluster = new MockKafkaCluster(1);
        await File.WriteAllTextAsync(bootstrapFile, cluster.BootstrapServers);
        var down = false;
        while (true)
        {
            var wanted = File.Exists(Path.Combine(controlDir, "down"));
            if (wanted != down)
            {
                if (wanted)
                    cluster.SetAllBrokersDown();
                else
                    cluster.SetAllBrokersUp();
                down = wanted;
                Console.WriteLine($"kafka-mock: brokers {(down ? "down" : "up")} at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
            }
            await Task.Delay(50);
        }
    }
}
