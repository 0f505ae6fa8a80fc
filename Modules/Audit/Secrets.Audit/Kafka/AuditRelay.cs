using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
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
/// After a batch smaller than <see cref="BatchSize"/> the relay pauses (<see cref="Pace"/>), so its reads, sends and
/// acknowledgements take little of the CPU and the disk the requests need.
/// </summary>
internal sealed partial class AuditRelay(AuditOutbox outbox, KafkaAuditProducer producer, ILogger<AuditRelay> log, TimeProvider? time = null)
    : BackgroundService
{
    public const int BatchSize = 1000;

    private static readonly Histogram<double> DeliveryTime = Telemetry.Meter.CreateHistogram<double>(
        "secrets_audit_kafka_delivery_duration_ms", description: "Milliseconds from handing a batch of events to Kafka to the brokers' acknowledgement of all of it");

    /// <summary>
    /// The pause after a batch smaller than <see cref="BatchSize"/>: events gather in the outbox meanwhile, so under load
    /// the relay reads, sends and acknowledges (a file replaced and two fsyncs) in batches of hundreds, not a few.
    /// </summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayOnceAsync(stoppingToken) < BatchSize)
                    await Task.Delay(Pace, time ?? TimeProvider.System, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(log, ex.GetType().Name);   // never the message: it may quote an event
                await Task.Delay(AfterFailure, time ?? TimeProvider.System, stoppingToken);
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
            var payload = MemoryMarshal.TryGetArray(record.Payload, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
                ? whole.Array
                : record.Payload.ToArray();   // a record read from the outbox has an array of its own
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
