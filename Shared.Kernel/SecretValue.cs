using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Shared.Kernel;

/// <summary>
/// One secret value (a JSON scalar, object or array). <see cref="ToString"/> never reveals it;
/// only the JSON converter (the HTTP response) writes what it holds.
/// </summary>
[JsonConverter(typeof(SecretValueJsonConverter))]
public sealed class SecretValue : IEquatable<SecretValue>
{
    private readonly JsonNode? node;

    private SecretValue(JsonNode? node) => this.node = node;

    public static SecretValue FromJson(JsonNode? node) => new(node?.DeepClone());

    public static SecretValue Of(string value) => new(JsonValue.Create(value));

    public bool IsObject => node is JsonObject;

    public bool IsNull => node is null;

    /// <summary>A copy of the held JSON; for providers and the response serializer only.</summary>
    public JsonNode? Reveal() => node?.DeepClone();

    internal void WriteTo(Utf8JsonWriter writer)
    {
        if (node is null)
            writer.WriteNullValue();
        else
            node.WriteTo(writer);
    }

    public override string ToString() => "[redacted]";

    public bool Equals(SecretValue? other) => other is not null && JsonNode.DeepEquals(node, other.node);

    public override bool Equals(object? obj) => Equals(obj as SecretValue);

    public override int GetHashCode() => 0;
}

/// <summary>The key → value map stored at one path. <see cref="ToString"/> never reveals it.</summary>
[JsonConverter(typeof(SecretMapJsonConverter))]
public sealed class SecretMap : IEquatable<SecretMap>
{
    private readonly Dictionary<string, SecretValue> entries;

    public SecretMap(IEnumerable<KeyValuePair<string, SecretValue>> entries)
    {
        this.entries = new Dictionary<string, SecretValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
            this.entries[key] = value;
    }

    public static SecretMap Empty { get; } = new([]);

    public static SecretMap Of(string key, string value) => new([new(key, SecretValue.Of(value))]);

    /// <summary>Builds a map from a JSON object; null when the value is not an object.</summary>
    public static SecretMap? FromValue(SecretValue value) =>
        value.Reveal() is JsonObject obj
            ? new SecretMap(obj.Select(p => new KeyValuePair<string, SecretValue>(p.Key, SecretValue.FromJson(p.Value))))
            : null;

    public int Count => entries.Count;
    public IEnumerable<string> Keys => entries.Keys;
    public IReadOnlyDictionary<string, SecretValue> Entries => entries;

    public bool TryGet(string key, out SecretValue value) => entries.TryGetValue(key, out value!);

    public SecretMap With(string key, SecretValue value)
    {
        var copy = new SecretMap(entries) { };
        copy.entries[key] = value;
        return copy;
    }

    public SecretMap Without(string key) => new(entries.Where(e => e.Key != key));

    public SecretValue ToValue()
    {
        var obj = new JsonObject();
        foreach (var (key, value) in entries)
            obj[key] = value.Reveal();
        return SecretValue.FromJson(obj);
    }

    public override string ToString() => "[redacted]";

    public bool Equals(SecretMap? other) =>
        other is not null && other.entries.Count == entries.Count &&
        entries.All(e => other.entries.TryGetValue(e.Key, out var v) && v.Equals(e.Value));

    public override bool Equals(object? obj) => Equals(obj as SecretMap);

    public override int GetHashCode() => entries.Count;
}

internal sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
{
    public override bool HandleNull => true;

    public override SecretValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SecretValue.FromJson(JsonNode.Parse(ref reader));

    public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options) =>
        value.WriteTo(writer);
}

internal sealed class SecretMapJsonConverter : JsonConverter<SecretMap>
{
    public override SecretMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SecretMap.FromValue(SecretValue.FromJson(JsonNode.Parse(ref reader)))
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
