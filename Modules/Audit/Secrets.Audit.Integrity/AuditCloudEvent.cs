namespace Secrets.Audit.Integrity;

/// <summary>
/// The envelope of every audit event outside the process (docs/audit-events.md): a CloudEvents 1.0 event in
/// the structured JSON format, one object per line. The attributes, in this order: <c>specversion</c>,
/// <c>id</c> (<c>node_id:seq</c>, the same for a duplicate after a crash), <c>source</c> (the node),
/// <c>type</c> (<see cref="TypePrefix"/> + the event type), <c>time</c>, <c>datacontenttype</c>,
/// <c>dataschema</c> (<see cref="DataSchema"/>) and, for an event about one secret, <c>subject</c> (its
/// <c>resource_ref</c>); then <c>data</c>: the chain fields <c>node_id</c>, <c>seq</c>, <c>prev_hash</c>
/// and the event's own members.
/// </summary>
internal readonly record struct AuditCloudEvent(string EventType, DateTimeOffset Time, string? Subject)
{
    public const string SpecVersion = "1.0";

    /// <summary>The <c>type</c> of an event is this followed by its event type: <c>secrets.audit.SECRET_READ</c>.</summary>
    public const string TypePrefix = "secrets.audit.";

    /// <summary>The <c>source</c> of a node's events is this followed by its node id.</summary>
    public const string SourcePrefix = "urn:secrets-platform:audit:node:";

    /// <summary>The schema of <c>data</c>, and the <c>$id</c> of the JSON Schema (docs/audit-event.v1.schema.json).</summary>
    public const string DataSchema = "urn:secrets-platform:schema:audit-event:v1";

    public const string DataContentType = "application/json";

    /// <summary>The media type of one event in the structured format: the <c>content-type</c> header of a Kafka record.</summary>
    public const string MediaType = "application/cloudevents+json; charset=UTF-8";
}
