using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvWriteEnvelope([property: JsonPropertyName("data")] KvVersionMetadata? Data);
