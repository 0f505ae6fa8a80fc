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
