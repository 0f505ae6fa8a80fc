using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record TokenLookupData(
    [property: JsonPropertyName("ttl")] long Ttl,
    [property: JsonPropertyName("renewable")] bool Renewable);
