using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Secrets.Audit.Outbox;

/// <summary>
/// At start, with an audit outbox and no Kafka to drain it (docs/AUDIT.md#kafka): a warning that nothing will acknowledge
/// its events, so it fills up to <c>AUDIT_OUTBOX_MAX_BYTES</c>, after which a fail-closed service refuses operations.
/// </summary>
internal sealed partial class UndrainedOutboxWarning(AuditOutboxOptions options, ILogger<UndrainedOutboxWarning> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogUndrained(log, options.Path, options.MaxBytes);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The audit outbox {Path} has no Kafka relay (KAFKA_BOOTSTRAP_SERVERS is unset): nothing acknowledges its events, and once it holds {MaxBytes} bytes a fail-closed service refuses every operation")]
    private static partial void LogUndrained(ILogger logger, string path, long maxBytes);
}
