using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

// Vault's HTTP API shapes for KVv2, token and AppRole auth (only the fields we use).

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(VaultErrors))]
[JsonSerializable(typeof(KvReadEnvelope))]
[JsonSerializable(typeof(KvWriteRequest))]
[JsonSerializable(typeof(KvWriteEnvelope))]
[JsonSerializable(typeof(KvVersionsRequest))]
[JsonSerializable(typeof(KvMetadataEnvelope))]
[JsonSerializable(typeof(KvCustomMetadataRequest))]
[JsonSerializable(typeof(KvListEnvelope))]
[JsonSerializable(typeof(AppRoleLoginRequest))]
[JsonSerializable(typeof(AuthEnvelope))]
[JsonSerializable(typeof(TokenLookupEnvelope))]
internal sealed partial class Kv2Json : JsonSerializerContext;
