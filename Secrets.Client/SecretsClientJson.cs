using System.Text.Json;

namespace Secrets.Client;

/// <summary>The JSON conventions of the Secrets API (camelCase names, web defaults), for callers that print its answers.</summary>
public static class SecretsClientJson
{
    public static JsonSerializerOptions Options { get; } = new(SecretsClient.Json) { WriteIndented = true };
}
