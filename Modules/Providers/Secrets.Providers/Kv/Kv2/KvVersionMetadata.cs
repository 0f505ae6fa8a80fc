using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvVersionMetadata(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("deletion_time")] string? DeletionTime,
    [property: JsonPropertyName("destroyed")] bool Destroyed);
