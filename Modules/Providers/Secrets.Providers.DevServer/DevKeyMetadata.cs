using System.Globalization;
using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

/// <summary>One key's <c>KeyMetadata</c>: its settings, its versions, and the metadata check-and-set counter.</summary>
internal sealed class DevKeyMetadata
{
    public ulong CurrentVersion { get; set; }

    public ulong OldestVersion { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public DateTimeOffset? UpdatedTime { get; set; }

    public uint MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public bool MetadataCasRequired { get; set; }

    /// <summary>Moved by metadata writes and patches only: 1 when metadata created the key, 0 when a data write did.</summary>
    public ulong CurrentMetadataVersion { get; set; }

    public long DeleteVersionAfter { get; set; }

    public Dictionary<string, string>? CustomMetadata { get; set; }

    public SortedDictionary<ulong, DevVersion> Versions { get; } = [];

    /// <summary>Stored as a protobuf map, so an empty map reads back as null.</summary>
    public JsonObject? CustomMetadataJson()
    {
        if (CustomMetadata is not { Count: > 0 } custom)
            return null;
        var json = new JsonObject();
        foreach (var (name, value) in custom)
            json[name] = value;
        return json;
    }

    /// <summary><c>metadataResponseData</c>: what a metadata read and a detailed listing show.</summary>
    public JsonObject Describe()
    {
        var versions = new JsonObject();
        foreach (var (number, version) in Versions)
        {
            versions[number.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = GoFormat.Time(version.CreatedTime),
                ["deletion_time"] = GoFormat.Time(version.DeletionTime),
                ["destroyed"] = version.Destroyed,
            };
        }
        return new JsonObject
        {
            ["cas_required"] = CasRequired,
            ["created_time"] = GoFormat.Time(CreatedTime),
            ["current_metadata_version"] = CurrentMetadataVersion,
            ["current_version"] = CurrentVersion,
            ["custom_metadata"] = CustomMetadataJson(),
            ["delete_version_after"] = GoFormat.Duration(DeleteVersionAfter),
            ["max_versions"] = MaxVersions,
            ["metadata_cas_required"] = MetadataCasRequired,
            ["oldest_version"] = OldestVersion,
            ["updated_time"] = GoFormat.Time(UpdatedTime),
            ["versions"] = versions,
        };
    }
}
