using System.Text.Json.Serialization;

namespace Secrets.Audit.Log;

/// <summary>
/// An audit record as emitted (SPEC §7): what the ring buffer, the SSE stream and the log carry.
/// It has no value field; the raw URI is included in dev only, resource_ref always.
/// </summary>
internal sealed record AuditEvent(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("client")] string? Client,
    [property: JsonPropertyName("purpose")] string? Purpose,
    [property: JsonPropertyName("effect")] string Effect,
    [property: JsonPropertyName("resource_ref")] string? ResourceRef,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("decision_id")] string? DecisionId,
    [property: JsonPropertyName("kv_version")] int? KvVersion,
    [property: JsonPropertyName("correlation_id")] string CorrelationId,
    [property: JsonPropertyName("trace_id")] string? TraceId,
    [property: JsonPropertyName("span_id")] string? SpanId,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("uri")] string? Uri);
