using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvReadEnvelope([property: JsonPropertyName("data")] KvReadData? Data);
