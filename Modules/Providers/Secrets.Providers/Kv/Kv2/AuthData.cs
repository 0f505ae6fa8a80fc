using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record AuthData(
    [property: JsonPropertyName("client_token")] string ClientToken,
    [property: JsonPropertyName("lease_duration")] long LeaseDuration,
    [property: JsonPropertyName("renewable")] bool Renewable);
