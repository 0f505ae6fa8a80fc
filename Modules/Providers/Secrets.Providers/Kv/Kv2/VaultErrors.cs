using System.Text.Json.Serialization;

namespace Secrets.Providers.Kv.Kv2;

internal sealed record VaultErrors([property: JsonPropertyName("errors")] List<string>? Errors);
