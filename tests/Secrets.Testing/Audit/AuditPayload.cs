using System.Text.Json.Nodes;

namespace Secrets.Testing.Audit;

/// <summary>
/// Reads one audit event as the outbox stores it and Kafka carries it (docs/AUDIT.md#the-event). Tests read event
/// fields from those payloads only through here, so a change of the wire format is one change: today the payload is
/// the flat event object; wrapped in a CloudEvents 1.0 envelope (<c>specversion</c> present) the flat fields are its
/// <c>data</c> (or its <c>data_base64</c>, decoded).
/// </summary>
public static class AuditPayload
{
    /// <summary>The event's flat fields (<c>id</c>, <c>event_type</c>, <c>resource_ref</c>, <c>trace_id</c>, …).</summary>
    public static JsonObject Fields(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var root = JsonNode.Parse(value) as JsonObject
            ?? throw new FormatException("an audit payload is a JSON object");
        if (!root.ContainsKey("specversion"))
            return root;
        if (root["data"] is JsonObject data)
            return data;
        if (root["data_base64"] is JsonValue encoded)
            return JsonNode.Parse(Convert.FromBase64String(encoded.GetValue<string>())) as JsonObject
                ?? throw new FormatException("a CloudEvent's data_base64 holds a JSON object");
        throw new FormatException("a CloudEvent audit payload carries its fields in data");
    }

    /// <summary>
    /// What identifies the event: its <c>seq</c> within its <c>node_id</c> once events carry the chain fields,
    /// else its <c>id</c>. Two copies of one event (a redelivery after a crash) have the same identity.
    /// </summary>
    public static AuditEventId Id(byte[] value) => Id(Fields(value));

    /// <inheritdoc cref="Id(byte[])"/>
    public static AuditEventId Id(JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields["seq"] is JsonValue seq)
            return new AuditEventId(fields["node_id"]?.GetValue<string>(), seq.GetValue<long>());
        if (fields["id"] is JsonValue id)
            return new AuditEventId(null, id.GetValue<long>());
        throw new FormatException("an audit event has an id or a seq");
    }

    /// <summary>A string field of the event, or null when it is absent or null.</summary>
    public static string? Text(byte[] value, string field) => Fields(value)[field]?.GetValue<string>();
}

/// <summary>One audit event's identity: <see cref="Number"/> (<c>seq</c> or <c>id</c>) within <see cref="Node"/> (null before events name their node); ordered by node, then number.</summary>
public readonly record struct AuditEventId(string? Node, long Number) : IComparable<AuditEventId>
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

    public override string ToString() => Node is null ? Number.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Node}/{Number}";
}
