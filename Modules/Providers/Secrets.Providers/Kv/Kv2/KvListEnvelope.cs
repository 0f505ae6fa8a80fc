using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvListEnvelope([property: JsonPropertyName("data")] KvListData? Data);
