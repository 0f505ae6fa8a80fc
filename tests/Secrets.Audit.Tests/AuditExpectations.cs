using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Logging;
using Serilog.Events;

namespace Secrets.Audit.Tests;

/// <summary>What the tests expect, computed independently of the production code.</summary>
internal static class AuditExpectations
{
    /// <summary>base64url without padding of HMAC-SHA256(key = UTF-8 salt, message = UTF-8 canonical URI) (docs/URIS.md#resource_ref).</summary>
    public static string ResourceRef(string canonicalUri, string salt = SecretsHostFactory.TestSalt) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(salt), Encoding.UTF8.GetBytes(canonicalUri)));

    /// <summary>A GET with an explicit correlation id (and optionally a W3C traceparent).</summary>
    public static HttpRequestMessage Get(string path, string correlationId, string? traceparent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Correlation-ID", correlationId);
        if (traceparent is not null)
            request.Headers.Add("traceparent", traceparent);
        return request;
    }

    /// <summary>A JSON POST with an explicit correlation id; <paramref name="json"/> is sent as is.</summary>
    public static HttpRequestMessage PostJson(string path, string json, string correlationId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Correlation-ID", correlationId);
        return request;
    }

    public static string? Str(this JsonNode node, string property) => node[property]?.GetValue<string>();

    /// <summary>The audit lines the host logged (the structured-log sink of the Audit module).</summary>
    public static IReadOnlyList<LogEvent> AuditLogEvents(this LogCapture logs) =>
        logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("audit ", StringComparison.Ordinal)).ToList();

    /// <summary>The plain value of a scalar log property, or null when absent.</summary>
    public static object? Prop(this LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var value) && value is ScalarValue scalar ? scalar.Value : null;
}
