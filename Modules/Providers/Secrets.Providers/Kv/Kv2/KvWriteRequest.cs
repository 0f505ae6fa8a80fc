using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvWriteRequest(
    [property: JsonPropertyName("data")] Dictionary<string, JsonNode?> Data,
    [property: JsonPropertyName("options")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] KvWriteOptions? Options);
