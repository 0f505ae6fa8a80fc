using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record AppRoleLoginRequest(
    [property: JsonPropertyName("role_id")] string RoleId,
    [property: JsonPropertyName("secret_id")] string SecretId);
