using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvMetadataData(
    [property: JsonPropertyName("current_version")] int CurrentVersion,
    [property: JsonPropertyName("oldest_version")] int OldestVersion,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("updated_time")] string? UpdatedTime,
    [property: JsonPropertyName("custom_metadata")] Dictionary<string, string>? CustomMetadata,
    [property: JsonPropertyName("versions")] Dictionary<string, KvVersionState>? Versions);
