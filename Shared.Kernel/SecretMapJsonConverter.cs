using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Shared.Kernel;

internal sealed class SecretMapJsonConverter : JsonConverter<SecretMap>
{
    public override SecretMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SecretMap.FromValue(SecretValue.FromJson(JsonStrings.ReadNode(ref reader)))
        ?? throw new JsonException("a secret map must be a JSON object");

    public override void Write(Utf8JsonWriter writer, SecretMap value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, v) in value.Entries)
        {
            writer.WritePropertyName(key);
            v.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
