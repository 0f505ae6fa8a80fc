using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvReadData(
    [property: JsonPropertyName("data")] Dictionary<string, JsonNode?>? Data,
    [property: JsonPropertyName("metadata")] KvVersionMetadata? Metadata);
