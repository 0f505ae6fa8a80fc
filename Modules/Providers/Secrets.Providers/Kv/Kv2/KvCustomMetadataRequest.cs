using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>A custom-metadata write; <c>metadata_cas</c> (OpenBao 2.4 on) only when the client knows the count to check.</summary>
internal sealed record KvCustomMetadataRequest(
    [property: JsonPropertyName("custom_metadata")] IReadOnlyDictionary<string, string> CustomMetadata,
    [property: JsonPropertyName("metadata_cas")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MetadataCas = null);
