using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Shouldly;

namespace Secrets.Testing;

/// <summary>Reads the audit ring buffer over HTTP (dev profile).</summary>
public static class AuditProbe
{
    /// <summary>The header a request's correlation id travels in, both ways.</summary>
    public const string CorrelationHeader = "X-Correlation-ID";

    /// <summary>The correlation id <paramref name="response"/> was answered with.</summary>
    public static string CorrelationId(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.GetValues(CorrelationHeader).Single();
    }

    public static async Task<IReadOnlyList<JsonNode>> EventsAsync(HttpClient client, string? query = null)
    {
        var page = await client.GetFromJsonAsync<JsonNode>("/api/secrets/audit?limit=1000" + (query is null ? "" : "&" + query));
        return page!["items"]!.AsArray().Select(n => n!).ToList();
    }

    /// <summary>
    /// The one record of a request refused before any secret was looked at (its body or query did not
    /// bind or validate): the endpoint's type, no URI, no decision.
    /// </summary>
    public static void ShouldBeRequestRefusal(this IReadOnlyList<JsonNode> events, string eventType, string errorCode)
    {
        ArgumentNullException.ThrowIfNull(events);
        var e = events.ShouldHaveSingleItem();
        (e["event_type"]?.GetValue<string>(), e["effect"]?.GetValue<string>(), e["error_code"]?.GetValue<string>())
            .ShouldBe((eventType, "failure", errorCode), e.ToJsonString());
        (e["resource_ref"], e["decision_id"]).ShouldBe((null, null), e.ToJsonString());
    }
}
