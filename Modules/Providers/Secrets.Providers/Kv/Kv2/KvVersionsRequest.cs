using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvVersionsRequest([property: JsonPropertyName("versions")] IReadOnlyList<int> Versions);
