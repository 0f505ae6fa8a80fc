using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

// Vault's HTTP API shapes for KVv2, token and AppRole auth (only the fields we use).

internal sealed record VaultErrors([property: JsonPropertyName("errors")] List<string>? Errors);

internal sealed record KvReadEnvelope([property: JsonPropertyName("data")] KvReadData? Data);

internal sealed record KvReadData(
    [property: JsonPropertyName("data")] Dictionary<string, JsonNode?>? Data,
    [property: JsonPropertyName("metadata")] KvVersionMetadata? Metadata);

internal sealed record KvVersionMetadata(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("deletion_time")] string? DeletionTime,
    [property: JsonPropertyName("destroyed")] bool Destroyed);

internal sealed record KvWriteRequest(
    [property: JsonPropertyName("data")] Dictionary<string, JsonNode?> Data,
    [property: JsonPropertyName("options")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] KvWriteOptions? Options);

internal sealed record KvWriteOptions([property: JsonPropertyName("cas")] int Cas);

internal sealed record KvWriteEnvelope([property: JsonPropertyName("data")] KvVersionMetadata? Data);

internal sealed record KvVersionsRequest([property: JsonPropertyName("versions")] IReadOnlyList<int> Versions);

internal sealed record KvMetadataEnvelope([property: JsonPropertyName("data")] KvMetadataData? Data);

internal sealed record KvMetadataData(
    [property: JsonPropertyName("current_version")] int CurrentVersion,
    [property: JsonPropertyName("oldest_version")] int OldestVersion,
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("updated_time")] string? UpdatedTime,
    [property: JsonPropertyName("custom_metadata")] Dictionary<string, string>? CustomMetadata,
    [property: JsonPropertyName("versions")] Dictionary<string, KvVersionState>? Versions);

internal sealed record KvVersionState(
    [property: JsonPropertyName("created_time")] string? CreatedTime,
    [property: JsonPropertyName("deletion_time")] string? DeletionTime,
    [property: JsonPropertyName("destroyed")] bool Destroyed);

internal sealed record KvCustomMetadataRequest([property: JsonPropertyName("custom_metadata")] IReadOnlyDictionary<string, string> CustomMetadata);

internal sealed record KvListEnvelope([property: JsonPropertyName("data")] KvListData? Data);

internal sealed record KvListData([property: JsonPropertyName("keys")] List<string>? Keys);

internal sealed record AppRoleLoginRequest(
    [property: JsonPropertyName("role_id")] string RoleId,
    [property: JsonPropertyName("secret_id")] string SecretId);

internal sealed record AuthEnvelope([property: JsonPropertyName("auth")] AuthData? Auth);

internal sealed record AuthData(
    [property: JsonPropertyName("client_token")] string ClientToken,
    [property: JsonPropertyName("lease_duration")] long LeaseDuration,
    [property: JsonPropertyName("renewable")] bool Renewable);

internal sealed record TokenLookupEnvelope([property: JsonPropertyName("data")] TokenLookupData? Data);

internal sealed record TokenLookupData(
    [property: JsonPropertyName("ttl")] long Ttl,
    [property: JsonPropertyName("renewable")] bool Renewable);

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
