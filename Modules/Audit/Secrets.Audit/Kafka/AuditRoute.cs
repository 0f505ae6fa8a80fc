using System.Text.Json;

namespace Secrets.Audit.Kafka;

/// <summary>
/// Where one audit event goes in Kafka, read from its JSON: keyed by its <c>resource_ref</c> (none for an event that
/// names no secret); every event to the audit topic, and a change to a secret that succeeded also to the secrets topic.
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
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.CurrentDepth != 1)
                {
                    reader.Skip();
                    continue;
                }
                var name = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (name.SequenceEqual("resource_ref"u8))
                        key = reader.GetString();
                    else if (name.SequenceEqual("event_type"u8))
                        type = reader.GetString();
                    else if (name.SequenceEqual("effect"u8))
                        effect = reader.GetString();
                }
                else
                {
                    reader.Skip();
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
