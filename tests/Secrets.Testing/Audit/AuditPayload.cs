using System.Text.Json.Nodes;

namespace Secrets.Testing.Audit;

/// <summary>
/// Reads one audit event as the outbox stores it and Kafka carries it (docs/audit-events.md): a CloudEvents 1.0
/// event whose <c>data</c> holds the event's fields. Tests read event fields from those payloads only through here.
/// </summary>
public static class AuditPayload
{
    /// <summary>The event's fields: its <c>data</c> (<c>node_id</c>, <c>seq</c>, <c>event_type</c>, <c>resource_ref</c>, <c>trace_id</c>, …).</summary>
    public static JsonObject Fields(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var root = JsonNode.Parse(value) as JsonObject
            ?? throw new FormatException("an audit payload is a JSON object");
        if (root["specversion"]?.GetValue<string>() != "1.0" || root["data"] is not JsonObject data)
            throw new FormatException("an audit payload is a CloudEvents 1.0 event with a data object");
        return data;
    }

    /// <summary>What identifies the event: its <c>seq</c> within its <c>node_id</c>. Two copies of one event (a redelivery after a crash) have the same identity.</summary>
    public static AuditEventId Id(byte[] value) => Id(Fields(value));

    /// <inheritdoc cref="Id(byte[])"/>
    public static AuditEventId Id(JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new AuditEventId(fields["node_id"]!.GetValue<string>(), fields["seq"]!.GetValue<long>());
    }

    /// <summary>Whether the event is a signed checkpoint of the chain rather than the record of an operation.</summary>
    public static bool IsCheckpoint(byte[] value) => Text(value, "event_type") == "AUDIT_CHECKPOINT";

    /// <summary>A string field of the event, or null when it is absent or null.</summary>
    public static string? Text(byte[] value, string field) => Fields(value)[field]?.GetValue<string>();
}

/// <summary>One audit event's identity: <see cref="Number"/> (its <c>seq</c>) within <see cref="Node"/>; ordered by node, then number.</summary>
public readonly record struct AuditEventId(string Node, long Number) : IComparable<AuditEventId>
{
    public int CompareTo(AuditEventId other)
    {
        var node = string.CompareOrdinal(Node, other.Node);
        return node != 0 ? node : Number.CompareTo(other.Number);
    }

    public static bool operator <(AuditEventId left, AuditEventId right) => left.CompareTo(right) < 0;

    public static bool operator >(AuditEventId left, AuditEventId right) => left.CompareTo(right) > 0;

    public static bool operator <=(AuditEventId left, AuditEventId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AuditEventId left, AuditEventId right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Node}/{Number}";
}
