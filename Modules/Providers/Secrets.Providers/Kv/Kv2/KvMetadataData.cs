using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// A metadata read. <c>current_metadata_version</c> and <c>metadata_cas_required</c> come from OpenBao 2.4 on
/// (metadata check-and-set); HashiCorp Vault and older OpenBao leave them out, and they read as null.
/// </summary>
internal sealed record KvMetadataData(
    [property: JsonPropertyName("current_version")] int CurrentVersion,
    [property: JsonPropertyName("oldest_version")] int OldestVersion,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("updated_time")] string? UpdatedTime,
    [property: JsonPropertyName("custom_metadata")] Dictionary<string, string>? CustomMetadata,
    [property: JsonPropertyName("versions")] Dictionary<string, KvVersionState>? Versions,
    [property: JsonPropertyName("current_metadata_version")] long? CurrentMetadataVersion = null,
    [property: JsonPropertyName("metadata_cas_required")] bool? MetadataCasRequired = null);
