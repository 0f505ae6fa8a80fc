using System.Text.Json.Serialization;

namespace Secrets.Audit.Log;

/// <summary>
/// An audit record as emitted (docs/AUDIT.md): what the ring buffer, the SSE stream and the log carry.
/// It has no value field; raw URIs are included in dev only, resource_refs always. The source fields
/// and related decisions are set for copy and move.
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
    [property: JsonPropertyName("uri")] string? Uri,
    [property: JsonPropertyName("source_resource_ref")] string? SourceResourceRef,
    [property: JsonPropertyName("source_uri")] string? SourceUri,
    [property: JsonPropertyName("source_kv_version")] int? SourceKvVersion,
    [property: JsonPropertyName("related_decision_ids")] IReadOnlyList<string>? RelatedDecisionIds);
