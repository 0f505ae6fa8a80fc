using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvListData([property: JsonPropertyName("keys")] List<string>? Keys);
