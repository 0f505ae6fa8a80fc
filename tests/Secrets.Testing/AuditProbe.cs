using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Secrets.Testing;

/// <summary>Reads the audit ring buffer over HTTP (dev profile).</summary>
public static class AuditProbe
{
    public static async Task<IReadOnlyList<JsonNode>> EventsAsync(HttpClient client, string? query = null)
    {
        var page = await client.GetFromJsonAsync<JsonNode>("/api/secrets/audit?limit=1000" + (query is null ? "" : "&" + query));
        return page!["items"]!.AsArray().Select(n => n!).ToList();
    }
}
