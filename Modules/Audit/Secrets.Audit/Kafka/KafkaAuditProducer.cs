using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Publishes audit events to Kafka (docs/AUDIT.md#kafka): one idempotent producer with <c>acks=all</c>, the event's
/// <c>resource_ref</c> as the key (so every event of one secret lands on one partition, in order), the event's
/// CloudEvent as the value in the structured mode of the CloudEvents Kafka binding (header <c>content-type</c>). A delivery completes when every in-sync replica has the event; a failed one throws
/// <see cref="ProduceException{TKey,TValue}"/> for the caller (the outbox relay) to retry. librdkafka's own log lines
/// carry no payloads; they go to the application log at their level.
/// </summary>
internal sealed partial class KafkaAuditProducer : IDisposable
{
    private readonly IProducer<string?, byte[]> producer;

    public KafkaAuditProducer(KafkaSettings settings, ILogger<KafkaAuditProducer> log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        producer = new ProducerBuilder<string?, byte[]>(settings.ProducerConfig())
            .SetLogHandler((_, message) => LogClient(log, ToLevel(message.Level), message.Facility, message.Message))
            .SetErrorHandler((_, error) => LogError(log, error.Code.ToString(), error.IsFatal))
            .Build();
    }

    public KafkaSettings Settings { get; }

    /// <summary>One event; completes when the brokers acknowledged it (its partition and offset).</summary>
    public Task<DeliveryResult<string?, byte[]>> PublishAsync(string topic, string? key, byte[] payload, CancellationToken ct) =>
        producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = key, Value = payload, Headers = [new Header("content-type", ContentType)] }, ct);

    /// <summary>The <c>content-type</c> header of every record: the CloudEvents structured mode of the Kafka binding.</summary>
    private static readonly byte[] ContentType = System.Text.Encoding.ASCII.GetBytes(Integrity.AuditCloudEvent.MediaType);

    /// <summary>Waits for every event handed over to be delivered, at most <paramref name="timeout"/>; how many are still queued.</summary>
    public int Flush(TimeSpan timeout) => producer.Flush(timeout);

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(5));
        producer.Dispose();
    }

    private static LogLevel ToLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [LoggerMessage(Message = "Kafka client {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, LogLevel level, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer error {Code} (fatal: {Fatal})")]
    private static partial void LogError(ILogger logger, string code, bool fatal);
}
