using System.Text.Json;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Audit.Integrity;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Log;

/// <summary>
/// The audit trail: every record becomes one event (docs/audit-events.md) through the
/// <see cref="AuditEmitter"/> — chained, in the ring buffer and on the SSE stream, and with an outbox on
/// its way to disk and Kafka — and a log line when <c>AUDIT_LOG</c> asks for it (every record, or
/// denies and failures only). A successful read answered from a cached grant may be sampled out.
/// </summary>
internal sealed partial class AuditTrail(AuditEmitter emitter, TenantContext tenant, AuditOptions options, AuditDurability durability, ILogger<AuditTrail> logger) : IAuditTrail
{
    public void Write(AuditRecord record)
    {
        if (Append(record) is { } appended)
            durability.Observe(appended);
    }

    public ValueTask WriteDurablyAsync(AuditRecord record, CancellationToken ct) =>
        Append(record) is { } appended ? durability.CompleteAsync(appended) : ValueTask.CompletedTask;

    /// <summary>The event written (and logged); with an outbox, its append started. Null without one, or when sampled out.</summary>
    private ValueTask<long>? Append(AuditRecord record)
    {
        var eventType = EventTypeName(record.Type);
        var resourceRef = record.Uri is null ? null : tenant.ResourceRef(record.Uri);
        var sampleable = record.CacheHit && record.Type == AuditType.SecretRead && record.Effect == AuditEffect.Success;
        if (!emitter.Emit(new AuditCloudEvent(eventType, record.Time, resourceRef), (Trail: this, Record: record, Ref: resourceRef, Type: eventType),
                static (json, s) => s.Trail.WriteData(json, s.Record, s.Type, s.Ref), sampleable, out var appended))
            return null;
        var logged = options.LogLines switch
        {
            AuditLogLines.All => true,
            AuditLogLines.Failures => record.Effect is AuditEffect.Deny or AuditEffect.Failure,
            _ => false,
        };
        if (logged)
            LogAudit(logger, eventType, EffectNames[(int)record.Effect], record.Purpose?.Name(), resourceRef,
                record.Caller.Subject, record.DecisionId, record.KvVersion, record.ErrorCode, record.Caller.CorrelationId);
        return appended;
    }

    /// <summary>The event's <c>data</c> after the chain fields: the members of <see cref="AuditEvent"/>, in its order and with its names.</summary>
    private void WriteData(Utf8JsonWriter json, AuditRecord r, string eventType, string? resourceRef)
    {
        json.WriteString("event_type", eventType);
        json.WriteString("time", r.Time);
        json.WriteString("tenant", tenant.TenantId);
        json.WriteString("subject", r.Caller.Subject);
        json.WriteString("client", r.Caller.ClientId);
        json.WriteString("purpose", r.Purpose?.Name());
        json.WriteString("effect", EffectNames[(int)r.Effect]);
        json.WriteString("resource_ref", resourceRef);
        json.WriteString("provider", r.Uri?.Provider);
        json.WriteString("decision_id", r.DecisionId);
        WriteNumber(json, "kv_version", r.KvVersion);
        json.WriteString("correlation_id", r.Caller.CorrelationId);
        json.WriteString("trace_id", r.TraceId);
        json.WriteString("span_id", r.SpanId);
        json.WriteString("error_code", r.ErrorCode);
        json.WriteString("uri", options.IncludeRawUri ? r.Uri?.ToString() : null);
        json.WriteString("source_resource_ref", r.Source is null ? null : tenant.ResourceRef(r.Source));
        json.WriteString("source_uri", options.IncludeRawUri ? r.Source?.ToString() : null);
        WriteNumber(json, "source_kv_version", r.SourceKvVersion);
        if (r.RelatedDecisionIds.Count == 0)
        {
            json.WriteNull("related_decision_ids");
        }
        else
        {
            json.WriteStartArray("related_decision_ids");
            foreach (var decision in r.RelatedDecisionIds)
                json.WriteStringValue(decision);
            json.WriteEndArray();
        }
        if (r.PreviousKvVersion is { } previous)
            json.WriteNumber("previous_kv_version", previous);
        if (r.ApprovalId is { } approval)
            json.WriteString("approval_id", approval);
        if (r.Schedule is { } schedule)
            json.WriteString("schedule", schedule);
        if (r.ItemCount is { } items)
            json.WriteNumber("item_count", items);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } n)
            json.WriteNumber(name, n);
        else
            json.WriteNull(name);
    }

    private static readonly string[] EffectNames = Enum.GetNames<AuditEffect>().Select(n => n.ToLowerInvariant()).ToArray();

    private static readonly Dictionary<AuditType, string> Names = Enum.GetValues<AuditType>().ToDictionary(
        t => t, t => string.Concat(t.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant());

    /// <summary>SecretRead → SECRET_READ.</summary>
    public static string EventTypeName(AuditType type) => Names[type];

    [LoggerMessage(Level = LogLevel.Information,
        Message = "audit {EventType} {Effect} purpose={Purpose} resource_ref={ResourceRef} subject={Subject} decision_id={DecisionId} kv_version={KvVersion} error_code={ErrorCode} correlation_id={CorrelationId}")]
    private static partial void LogAudit(ILogger logger, string eventType, string effect, string? purpose, string? resourceRef, string subject,
        string? decisionId, int? kvVersion, string? errorCode, string correlationId);
}
