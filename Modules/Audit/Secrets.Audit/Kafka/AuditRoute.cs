using System.Text.Json;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Where one audit event goes in Kafka, read from its CloudEvent: keyed by its <c>subject</c>, the
/// <c>resource_ref</c> (none for an event that names no secret); every event to the audit topic, and a change
/// to a secret that succeeded (its <c>data</c>'s <c>event_type</c> and <c>effect</c>) also to the secrets topic.
/// </summary>
internal readonly record struct AuditRoute(string? Key, bool Change)
{
    private static readonly HashSet<string> ChangeTypes = new(StringComparer.Ordinal)
    {
        "SECRET_WRITTEN", "SECRET_DELETED", "SECRET_DESTROYED", "SECRET_UNDELETED", "SECRET_ROTATED",
        "SECRET_OWNER_UPDATED", "SECRET_COPIED", "SECRET_MOVED",
    };

    /// <summary>The route of an event; an event that is not a JSON object with these members goes to the audit topic, unkeyed.</summary>
    public static AuditRoute Of(ReadOnlySpan<byte> json)
    {
        string? key = null, type = null, effect = null;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return default;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                    continue;
                var depth = reader.CurrentDepth;   // 1: the envelope's attributes, 2: the members of data
                var member = depth == 1 && reader.ValueTextEquals("subject"u8) ? 's'
                    : depth == 1 && reader.ValueTextEquals("data"u8) ? 'd'
                    : depth == 2 && reader.ValueTextEquals("event_type"u8) ? 't'
                    : depth == 2 && reader.ValueTextEquals("effect"u8) ? 'e'
                    : ' ';
                reader.Read();
                if (member == 'd' && reader.TokenType == JsonTokenType.StartObject)
                    continue;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                switch (member)
                {
                    case 's': key = reader.GetString(); break;
                    case 't': type = reader.GetString(); break;
                    case 'e': effect = reader.GetString(); break;
                }
            }
        }
        catch (JsonException)
        {
            return new AuditRoute(key, false);
        }
        return new AuditRoute(key, effect == "success" && type is not null && ChangeTypes.Contains(type));
    }
}
