using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record KvWriteOptions([property: JsonPropertyName("cas")] int Cas);
