using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Archive;

/// <summary>
/// One path's record in an archive (docs/BACKUP.md#frames): its path below the mount, every version in order
/// with its state and data (none for a soft-deleted or destroyed one), the current version and the custom metadata.
/// </summary>
internal sealed record ArchivedPath(
    string Path,
    int? CurrentVersion,
    IReadOnlyList<SecretVersionSnapshot> Versions,
    IReadOnlyDictionary<string, string> CustomMetadata)
{
    /// <summary>The current version's data; null when it is soft-deleted or destroyed.</summary>
    public SecretMap? Latest =>
        (CurrentVersion is { } current ? Versions.FirstOrDefault(v => v.Version == current) : Versions[^1])?.Data;

    public bool HasDeleted => Versions.Any(v => v.Deleted);

    public bool HasDestroyed => Versions.Any(v => v.Destroyed);

    /// <summary>A frame's plaintext: the entry kind byte and the record's JSON.</summary>
    public static void Write(SecretSnapshot snapshot, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        output.GetSpan(1)[0] = ArchiveFormat.EntryKind;
        output.Advance(1);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("path", snapshot.Uri.Path);
        if (snapshot.CurrentVersion is { } current)
            json.WriteNumber("current_version", current);
        else
            json.WriteNull("current_version");
        json.WriteStartObject("custom_metadata");
        foreach (var (key, value) in snapshot.CustomMetadata.OrderBy(c => c.Key, StringComparer.Ordinal))
            json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteStartArray("versions");
        foreach (var v in snapshot.Versions)
        {
            json.WriteStartObject();
            json.WriteNumber("version", v.Version);
            WriteTime(json, "created_time", v.CreatedTime);
            WriteTime(json, "deletion_time", v.DeletionTime);
            json.WriteBoolean("destroyed", v.Destroyed);
            json.WritePropertyName("data");
            if (v.Data is null)
                json.WriteNullValue();
            else
                JsonSerializer.Serialize(json, v.Data.ToValue());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
            json.WriteString(name, t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        else
            json.WriteNull(name);
    }

    /// <summary>The record of an entry frame's JSON (after the kind byte); null when it is not a well-formed record.</summary>
    public static ArchivedPath? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject;
            if (root?["path"] is not JsonValue pathNode || !pathNode.TryGetValue<string>(out var path) || path.Length == 0)
                return null;
            int? current = root["current_version"] is JsonValue c ? c.GetValue<int>() : null;
            var custom = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in root["custom_metadata"] as JsonObject ?? [])
                custom[key] = value?.GetValue<string>() ?? "";
            var versions = new List<SecretVersionSnapshot>();
            foreach (var node in root["versions"] as JsonArray ?? [])
            {
                if (node is not JsonObject v)
                    return null;
                var number = Required(v["version"]).GetValue<int>();
                if (number <= 0 || (versions.Count > 0 && number <= versions[^1].Version))
                    return null;
                SecretMap? data = v["data"] is JsonObject map ? SecretMap.FromValue(SecretValue.FromJson(map)) : null;
                versions.Add(new SecretVersionSnapshot(number, Time(v["created_time"]), Time(v["deletion_time"]), Required(v["destroyed"]).GetValue<bool>(), data));
            }
            return versions.Count == 0 ? null : new ArchivedPath(path, current, versions, custom);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static JsonNode Required(JsonNode? node) => node ?? throw new FormatException("a required member is missing");

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue v ? DateTimeOffset.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;
}
