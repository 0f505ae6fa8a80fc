using System.Text.Json.Nodes;

namespace Secrets.Providers.DevServer;

/// <summary>One version of a key: <c>VersionMetadata</c> and its data (<c>null</c> once destroyed, or when written as JSON null).</summary>
internal sealed class DevVersion(DateTimeOffset createdTime, JsonNode? data)
{
    public DateTimeOffset CreatedTime { get; } = createdTime;

    public DateTimeOffset? DeletionTime { get; set; }

    public bool Destroyed { get; private set; }

    public JsonNode? Data { get; private set; } = data;

    /// <summary>
    /// Deleted once its deletion time has come (soft delete, or <c>delete_version_after</c>). OpenBao asks
    /// <c>deletionTime.Before(now)</c>; at the same instant this says deleted, which only a frozen test clock can see.
    /// </summary>
    public bool IsDeleted(DateTimeOffset now) => DeletionTime is { } at && at <= now;

    public void Destroy()
    {
        Destroyed = true;
        Data = null;
    }

    /// <summary>The version's metadata as data reads, subkeys and patches show it.</summary>
    public JsonObject Describe(ulong number, JsonObject? customMetadata) => new()
    {
        ["created_time"] = GoFormat.Time(CreatedTime),
        ["custom_metadata"] = customMetadata,
        ["deletion_time"] = GoFormat.Time(DeletionTime),
        ["destroyed"] = Destroyed,
        ["version"] = number,
    };
}
