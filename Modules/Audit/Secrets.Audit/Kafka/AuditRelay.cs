using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Relays the outbox to Kafka in order (docs/AUDIT.md#kafka): from the first record not yet acknowledged, a batch at a
/// time, every event to the audit topic (and a change also to the secrets topic), keyed by <c>resource_ref</c>; the
/// batch is acknowledged in the outbox only when the brokers took all of it. Kafka away means the relay waits (the
/// producer never gives up on an event) and the outbox holds the events; after a restart the relay starts again
/// from the acknowledgement, so an event may reach Kafka twice, always with the same event id, and none is lost.
/// </summary>
internal sealed partial class AuditRelay(AuditOutbox outbox, KafkaAuditProducer producer, ILogger<AuditRelay> log) : BackgroundService
{
    public const int BatchSize = 1000;

    private static readonly Histogram<double> DeliveryTime = Telemetry.Meter.CreateHistogram<double>(
        "secrets_audit_kafka_delivery_duration_ms", description: "Milliseconds from handing a batch of events to Kafka to the brokers' acknowledgement of all of it");

    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayOnceAsync(stoppingToken) == 0)
                    await Task.Delay(Idle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(log, ex.GetType().Name);   // never the message: it may quote an event
                await Task.Delay(AfterFailure, stoppingToken);
            }
        }
    }

    /// <summary>One batch: the records from the first unacknowledged one, published, then acknowledged. How many.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        var records = await outbox.ReadAsync(outbox.NextUnacknowledged, BatchSize, ct);
        if (records.Count == 0)
            return 0;
        var started = Stopwatch.GetTimestamp();
        var settings = producer.Settings;
        var deliveries = new List<Task>(records.Count + (records.Count / 2));
        foreach (var record in records)
        {
            var route = AuditRoute.Of(record.Payload.Span);
            var payload = record.Payload.ToArray();
            deliveries.Add(producer.PublishAsync(settings.AuditTopic, route.Key, payload, ct));
            if (route.Change)
                deliveries.Add(producer.PublishAsync(settings.SecretsTopic, route.Key, payload, ct));
        }
        await Task.WhenAll(deliveries);
        await outbox.AcknowledgeAsync(records[^1].Offset, ct);
        DeliveryTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return records.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying audit events to Kafka failed ({ExceptionType}); retrying from the last acknowledged event")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
