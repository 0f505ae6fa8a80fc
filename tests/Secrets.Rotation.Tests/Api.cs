using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Shared.Kernel;
using Secrets.Testing;

namespace Secrets.Rotation.Tests;

/// <summary>Calls and read-backs shared by the Rotation slice tests.</summary>
internal static class Api
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The tenant the factory configures, to compute the resource_ref an audit record must carry.</summary>
    private static readonly TenantContext Tenant = new("t1", ["secret", "team"], SecretsHostFactory.TestSalt);

    public static string ResourceRef(string canonicalUri) => Tenant.ResourceRef(canonicalUri);

    /// <summary>POSTs <paramref name="body"/> as JSON with a known correlation id, so its audit records can be picked out.</summary>
    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object body, string correlationId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add(AuditProbe.CorrelationHeader, correlationId);
        return client.SendAsync(request);
    }

    /// <summary>The value at a URI through GET /api/secrets/value, or null when it answers 404.</summary>
    public static async Task<JsonNode?> ReadValueAsync(this HttpClient client, string uri)
    {
        var response = await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(uri)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        var body = await response.ShouldBeOkJsonAsync();
        return body["value"];
    }

    /// <summary>The audit records of one request, oldest first.</summary>
    public static async Task<IReadOnlyList<JsonNode>> AuditOfAsync(this HttpClient client, string correlationId) =>
        (await AuditProbe.EventsAsync(client, "correlation_id=" + Uri.EscapeDataString(correlationId)))
        .OrderBy(e => e["seq"]!.GetValue<long>()).ToList();

    public static string? Str(this JsonNode? node, string property) => node?[property]?.GetValue<string>();

    /// <summary>Checks the fields every success record carries.</summary>
    public static void ShouldBeSuccess(this JsonNode record, string eventType, string purpose, string canonicalUri)
    {
        var text = record.ToJsonString();
        record.Str("event_type").ShouldBe(eventType, text);
        record.Str("effect").ShouldBe("success", text);
        record.Str("purpose").ShouldBe(purpose, text);
        record.Str("resource_ref").ShouldBe(ResourceRef(canonicalUri), text);
        record.Str("uri").ShouldBe(canonicalUri, text);
        record.Str("provider").ShouldBe("yaml", text);
        record.Str("tenant").ShouldBe("t1", text);
        record.Str("decision_id").ShouldNotBeNullOrEmpty(text);
        record.Str("decision_id")!.ShouldStartWith("dec_", Case.Sensitive, text);
        record["kv_version"].ShouldBeNull(text);   // YAML keeps no versions
        record["error_code"].ShouldBeNull(text);
    }

    /// <summary>Checks a failure record: its type, its code, and the resource it names (null when the URI never parsed).</summary>
    public static void ShouldBeFailure(this JsonNode record, string eventType, string errorCode, string? canonicalUri, string effect = "failure")
    {
        var text = record.ToJsonString();
        record.Str("event_type").ShouldBe(eventType, text);
        record.Str("effect").ShouldBe(effect, text);
        record.Str("error_code").ShouldBe(errorCode, text);
        record.Str("resource_ref").ShouldBe(canonicalUri is null ? null : ResourceRef(canonicalUri), text);
    }
}
