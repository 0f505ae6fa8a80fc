using System.Text.Json;

namespace Secrets.Providers.DevServer.Tests;

public sealed record VaultReply(int Status, string Body, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public JsonElement Data => Json.GetProperty("data");

    public string[] Errors => [.. Json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];

    public static string[] Names(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name)];
}
