using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Shared.Kernel;

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
