using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Outbox;
using Secrets.Audit.Tests.Outbox;
using Secrets.Testing;
using Secrets.Testing.Kafka;

namespace Secrets.Audit.Tests.Kafka;

/// <summary>The host relays its outbox to Kafka when both are configured; Kafka without an outbox is refused at start.</summary>
public sealed class AuditRelayRegistrationTests : IDisposable
{
    private readonly TempOutbox dir = new();
    private readonly MockKafkaCluster cluster = new();

    public void Dispose()
    {
        cluster.Dispose();
        dir.Dispose();
    }

    [Fact]
    public async Task With_Kafka_and_an_outbox_the_host_relays_what_the_outbox_holds()
    {
        var prefix = "h" + Guid.NewGuid().ToString("N")[..8];
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["AUDIT_OUTBOX_PATH"] = dir.OutboxPath,
            ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers,
            ["KAFKA_TOPIC_PREFIX"] = prefix,
        });
        host.CreateClient().Dispose();   // starts the host and its relay
        var outbox = host.Services.GetRequiredService<AuditOutbox>();

        await outbox.AppendAsync("""{"specversion":"1.0","id":"n:7","subject":"ref-7","data":{"seq":7,"event_type":"SECRET_WRITTEN","effect":"success","resource_ref":"ref-7"}}"""u8.ToArray(), CancellationToken.None);

        var until = DateTime.UtcNow.AddSeconds(20);
        while (outbox.NextUnacknowledged < 1 && DateTime.UtcNow < until)
            await Task.Delay(20);
        outbox.NextUnacknowledged.ShouldBe(1);   // acknowledged once Kafka has it; the topics exist from here on
        var read = cluster.Consume(prefix + ".secrets.audit", 1, TimeSpan.FromSeconds(20));
        read.Select(r => (r.Message.Key, Encoding.UTF8.GetString(r.Message.Value))).ShouldBe(
            [("ref-7", """{"specversion":"1.0","id":"n:7","subject":"ref-7","data":{"seq":7,"event_type":"SECRET_WRITTEN","effect":"success","resource_ref":"ref-7"}}""")]);
        Encoding.ASCII.GetString(read[0].Message.Headers.GetLastBytes("content-type"))
            .ShouldBe("application/cloudevents+json; charset=UTF-8");   // the structured mode of the CloudEvents Kafka binding
        cluster.Consume(prefix + ".secrets", 1, TimeSpan.FromSeconds(20)).Count.ShouldBe(1);
    }

    [Fact]
    public void Kafka_without_an_outbox_stops_the_start_with_both_names()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["KAFKA_BOOTSTRAP_SERVERS"] = cluster.BootstrapServers });

        Should.Throw<Exception>(() => host.CreateClient()).ToString().ShouldContain("KAFKA_BOOTSTRAP_SERVERS needs AUDIT_OUTBOX_PATH");
    }
}
