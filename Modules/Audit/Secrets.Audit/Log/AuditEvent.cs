using System.Text.Json.Serialization;

namespace Secrets.Audit.Log;

/// <summary>
/// An audit event's <c>data</c> (docs/audit-events.md): what the ring buffer's query answers. It has no
/// value field; raw URIs are included in dev only, resource_refs always. The source fields and related
/// decisions are set for copy and move; <see cref="PreviousKvVersion"/> for a rotation; <see cref="ApprovalId"/> for the steps of a gated destroy;
/// <see cref="Schedule"/> for a scheduled rotation; <see cref="SampledOut"/> counts the cache-hit reads left out
/// before this event (<c>AUDIT_SAMPLE_CACHE_HIT_N</c>).
/// </summary>
internal sealed record AuditEvent(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("prev_hash")] string PrevHash,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("client")] string? Client,
    [property: JsonPropertyName("purpose")] string? Purpose,
    [property: JsonPropertyName("effect")] string? Effect,
    [property: JsonPropertyName("resource_ref")] string? ResourceRef,
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("decision_id")] string? DecisionId,
    [property: JsonPropertyName("kv_version")] int? KvVersion,
    [property: JsonPropertyName("correlation_id")] string? CorrelationId,
    [property: JsonPropertyName("trace_id")] string? TraceId,
    [property: JsonPropertyName("span_id")] string? SpanId,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("uri")] string? Uri,
    [property: JsonPropertyName("source_resource_ref")] string? SourceResourceRef,
    [property: JsonPropertyName("source_uri")] string? SourceUri,
    [property: JsonPropertyName("source_kv_version")] int? SourceKvVersion,
    [property: JsonPropertyName("related_decision_ids")] IReadOnlyList<string>? RelatedDecisionIds,
    [property: JsonPropertyName("previous_kv_version")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PreviousKvVersion,
    [property: JsonPropertyName("approval_id")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ApprovalId,
    [property: JsonPropertyName("schedule")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Schedule,
    [property: JsonPropertyName("item_count")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ItemCount,
    [property: JsonPropertyName("sampled_out")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SampledOut);

/// <summary>A line of the ring buffer as read back: the CloudEvent, of which only <c>data</c> is kept.</summary>
internal sealed record AuditCloudEventLine([property: JsonPropertyName("data")] AuditEvent Data);
