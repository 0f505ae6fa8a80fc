using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Shared.Kernel;

internal sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
{
    public override bool HandleNull => true;

    public override SecretValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SecretValue.FromJson(JsonStrings.ReadNode(ref reader));

    public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options) =>
        value.WriteTo(writer);
}
