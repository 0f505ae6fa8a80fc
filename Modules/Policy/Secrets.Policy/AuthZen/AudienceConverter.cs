using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

/// <summary><c>aud</c> as JWTs carry it: one string or an array of strings; always written as an array.</summary>
internal sealed class AudienceConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("aud must be a string or an array of strings");
        var audiences = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException("aud must be a string or an array of strings");
            audiences.Add(reader.GetString()!);
        }
        return audiences;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var audience in value)
            writer.WriteStringValue(audience);
        writer.WriteEndArray();
    }
}
