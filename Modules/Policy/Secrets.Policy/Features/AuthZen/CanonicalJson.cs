using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// A SHA-256 of JSON values that does not depend on how they were written: object members sorted (ordinal),
/// strings with their escapes resolved, no whitespace. Two requests that mean the same hash the same, whatever
/// order their members came in (AuthZEN 1.0 §10.1.1: no one may rely on member order).
/// </summary>
internal static class CanonicalJson
{
    /// <summary>The hash of <paramref name="values"/> in order; an absent value hashes as a JSON null, distinct from any object.</summary>
    public static byte[] Hash(params ReadOnlySpan<JsonElement?> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                if (value is { } element)
                    Write(writer, element);
                else
                    writer.WriteNullValue();
            }
            writer.WriteEndArray();
        }
        return SHA256.HashData(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                element.WriteTo(writer);   // numbers as written, true, false, null
                break;
        }
    }
}
