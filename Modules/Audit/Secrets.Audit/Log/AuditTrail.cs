using System.Text.Json;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Log;

/// <summary>
/// The audit trail: every record becomes one event (the JSON of <see cref="AuditEvent"/>) in the ring
/// buffer and on the SSE stream, and a log line when <c>AUDIT_LOG</c> asks for it (every record, or
/// denies and failures only).
/// </summary>
internal sealed partial class AuditTrail(AuditLog log, TenantContext tenant, AuditOptions options, AuditDurability durability, ILogger<AuditTrail> logger) : IAuditTrail
{
    public void Write(AuditRecord record)
    {
        if (Append(record) is { } appended)
            durability.Observe(appended);
    }

    public ValueTask WriteDurablyAsync(AuditRecord record, CancellationToken ct) =>
        Append(record) is { } appended ? durability.CompleteAsync(appended) : ValueTask.CompletedTask;

    /// <summary>The event into the ring buffer (and the log); with an outbox, its append started. Null without one.</summary>
    private ValueTask<long>? Append(AuditRecord record)
    {
        var eventType = EventTypeName(record.Type);
        ValueTask<long>? started = null;
        if (durability.Enabled)
        {
            log.Append((Trail: this, Record: record), eventType, static (json, id, state) => state.Trail.WriteEvent(json, id, state.Record),
                durability.Append, out var appended);
            started = appended;
        }
        else
        {
            log.Append((Trail: this, Record: record), eventType, static (json, id, state) => state.Trail.WriteEvent(json, id, state.Record));
        }
        var logged = options.LogLines switch
        {
            AuditLogLines.All => true,
            AuditLogLines.Failures => record.Effect is AuditEffect.Deny or AuditEffect.Failure,
            _ => false,
        };
        if (logged)
            LogAudit(logger, eventType, EffectNames[(int)record.Effect], record.Purpose?.Name(), record.Uri is null ? null : tenant.ResourceRef(record.Uri),
                record.Caller.Subject, record.DecisionId, record.KvVersion, record.ErrorCode, record.Caller.CorrelationId);
        return started;
    }

    /// <summary>The event's JSON: the members of <see cref="AuditEvent"/>, in its order and with its names.</summary>
    private void WriteEvent(Utf8JsonWriter json, long id, AuditRecord r)
    {
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("event_type", EventTypeName(r.Type));
        json.WriteString("time", r.Time);
        json.WriteString("tenant", tenant.TenantId);
        json.WriteString("subject", r.Caller.Subject);
        json.WriteString("client", r.Caller.ClientId);
        json.WriteString("purpose", r.Purpose?.Name());
        json.WriteString("effect", EffectNames[(int)r.Effect]);
        json.WriteString("resource_ref", r.Uri is null ? null : tenant.ResourceRef(r.Uri));
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
        json.WriteEndObject();
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
