using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record AuthEnvelope([property: JsonPropertyName("auth")] AuthData? Auth);
