using Secrets.Shared.Kernel;
using Serilog.Core;
using Serilog.Events;

namespace Secrets.Host;

/// <summary>
/// Every log line written while a request runs carries the request's correlation id as <c>CorrelationId</c>
/// (docs/AUDIT.md#correlation-id). It is read from the request's caller when the line is written, so the
/// request path sets no per-request logging context.
/// </summary>
internal sealed class CorrelationIdEnricher(IHttpContextAccessor requests) : ILogEventEnricher
{
    public const string PropertyName = "CorrelationId";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (requests.HttpContext?.Features.Get<Caller>()?.CorrelationId is { } id)
            logEvent.AddPropertyIfAbsent(new LogEventProperty(PropertyName, new ScalarValue(id)));
    }
}
