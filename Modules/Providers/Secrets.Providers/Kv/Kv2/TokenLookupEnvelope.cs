using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record TokenLookupEnvelope([property: JsonPropertyName("data")] TokenLookupData? Data);
