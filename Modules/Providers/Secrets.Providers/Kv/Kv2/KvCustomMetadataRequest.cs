using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvCustomMetadataRequest([property: JsonPropertyName("custom_metadata")] IReadOnlyDictionary<string, string> CustomMetadata);
