using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvMetadataEnvelope([property: JsonPropertyName("data")] KvMetadataData? Data);
