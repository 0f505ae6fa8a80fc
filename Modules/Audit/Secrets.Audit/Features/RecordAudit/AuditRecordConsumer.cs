using MassTransit;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Audit.Log;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Features.RecordAudit;

/// <summary>Turns every published <see cref="AuditRecord"/> into an <see cref="AuditEvent"/>: ring buffer, SSE and the structured log.</summary>
internal sealed class AuditRecordConsumer(AuditLog log, TenantContext tenant, AuditOptions options, ILogger<AuditRecordConsumer> logger)
    : IConsumer<AuditRecord>
{
    public Task Consume(ConsumeContext<AuditRecord> context)
    {
        var e = log.Append(id => ToEvent(id, context.Message));
        logger.LogInformation(
            "audit {EventType} {Effect} purpose={Purpose} resource_ref={ResourceRef} subject={Subject} decision_id={DecisionId} kv_version={KvVersion} error_code={ErrorCode} correlation_id={CorrelationId}",
            e.EventType, e.Effect, e.Purpose, e.ResourceRef, e.Subject, e.DecisionId, e.KvVersion, e.ErrorCode, e.CorrelationId);
        return Task.CompletedTask;
    }

    private AuditEvent ToEvent(long id, AuditRecord r) => new(
        id,
        EventTypeName(r.Type),
        r.Time,
        tenant.TenantId,
        r.Caller.Subject,
        r.Caller.ClientId,
        r.Purpose?.Name(),
        r.Effect.ToString().ToLowerInvariant(),
        r.Uri is null ? null : tenant.ResourceRef(r.Uri),
        r.Uri?.Provider,
        r.DecisionId,
        r.KvVersion,
        r.Caller.CorrelationId,
        r.TraceId,
        r.SpanId,
        r.ErrorCode,
        options.IncludeRawUri ? r.Uri?.ToString() : null);

    private static readonly Dictionary<AuditType, string> Names = Enum.GetValues<AuditType>().ToDictionary(
        t => t, t => string.Concat(t.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant());

    /// <summary>SecretRead → SECRET_READ.</summary>
    public static string EventTypeName(AuditType type) => Names[type];
}
