using System.Net;
using System.Text.Json;
using Secrets.Audit.Tests.Outbox;
using Secrets.Testing;
using Secrets.Testing.Audit;
using Secrets.Testing.Kafka;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>
/// The host as a real process, killed with SIGKILL while its relay has a batch half delivered to Kafka, then started
/// again on the same outbox (docs/AUDIT.md#kafka): the new process sends the unacknowledged events again, so every
/// event reaches Kafka and a duplicate is the same event, same id and same bytes.
/// </summary>
public sealed class RelayCrashTests : IDisposable
{
    private readonly TempOutbox dir = new();
    private readonly MockKafkaCluster cluster = new();
    private readonly string prefix = "k" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        cluster.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task A_host_killed_mid_relay_and_started_again_delivers_every_event_duplicates_only_with_the_same_id_and_bytes()
    {
        const int Secrets = 40;
        const int Reads = 200;
        const int Total = Secrets + Reads;
        var topic = prefix + ".secrets.audit";
        var yaml = Path.Combine(dir.Root, "secrets.yaml");
        await File.WriteAllTextAsync(yaml, SecretsHostFactory.SampleYaml);
        var environment = new Dictionary<string, string?>
        {
            ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath,
            ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers,
            ["KAFKA_TOPIC_PREFIX"] = prefix,
        };

        await using (var first = await HostProcess.StartAsync(yaml, environment))
        {
            using var client = first.CreateClient();
            for (var s = 0; s < Secrets; s++)
                await SendOkAsync(client, PostJson("/api/secrets", JsonSerializer.Serialize(new { uri = Uri(s), value = "v" }), $"w{s}"));
            await UntilAsync(() => OutboxFiles.Acknowledged(dir.OutboxPath) == Secrets - 1, "the writes reach Kafka (the topics exist from here on)");
            // Kafka away while the reads are answered: the relay has a batch in flight that the brokers cannot take,
            // and the events wait in the outbox behind it
            cluster.SetAllBrokersDown();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
            {
                for (var i = worker; i < Reads; i += 4)
                    await SendOkAsync(client, Get($"/api/secrets/value?uri={Q(Uri(i % Secrets))}", $"r{i}"));
            }));
            OutboxFiles.Acknowledged(dir.OutboxPath).ShouldBe(Secrets - 1);   // nothing after the writes was taken for delivered

            await first.KillAsync();   // SIGKILL with the relay mid-batch
        }

        var stored = OutboxFiles.Payloads(dir.OutboxPath);
        stored.Count.ShouldBe(Total);   // every answered operation's event survived the kill
        cluster.SetAllBrokersUp();
        await using (var second = await HostProcess.StartAsync(yaml, environment))
            await UntilAsync(() => OutboxFiles.Acknowledged(dir.OutboxPath) == Total - 1, "the restarted host drains the outbox");

        var storedById = stored.ToDictionary(AuditPayload.Id);
        var audit = cluster.Consume(topic, Total, TimeSpan.FromSeconds(30));
        var copies = audit.GroupBy(r => AuditPayload.Id(r.Message.Value)).ToList();
        copies.Select(g => g.Key).Order().ShouldBe(storedById.Keys.Order());   // every event, none unknown
        copies.Where(g => g.Any(r => !r.Message.Value.AsSpan().SequenceEqual(storedById[g.Key]))).Select(g => g.Key)
            .ShouldBeEmpty("every copy of an event is the stored event, byte for byte");
        audit.Count.ShouldBeGreaterThanOrEqualTo(Total);
    }

    private static string Uri(int secret) => $"openbao+kv2://secret/crash/s{secret:D2}#token";

    private static async Task SendOkAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{request.Method} {request.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task UntilAsync(Func<bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!done())
        {
            DateTime.UtcNow.ShouldBeLessThan(until, what);
            await Task.Delay(20);
        }
    }
}
