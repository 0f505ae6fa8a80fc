using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using YamlDotNet.RepresentationModel;

namespace Secrets.Rotation.Tests;

/// <summary>Calls and read-backs shared by the Rotation slice tests.</summary>
internal static class Api
{
    public const string CorrelationHeader = "X-Correlation-ID";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The tenant the factory configures, to compute the resource_ref an audit record must carry.</summary>
    private static readonly TenantContext Tenant = new("t1", ["secret", "team"], SecretsHostFactory.TestSalt);

    public static string ResourceRef(string canonicalUri) => Tenant.ResourceRef(canonicalUri);

    /// <summary>POSTs <paramref name="body"/> as JSON with a known correlation id, so its audit records can be picked out.</summary>
    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object body, string correlationId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add(CorrelationHeader, correlationId);
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
        .OrderBy(e => e["id"]!.GetValue<long>()).ToList();

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

/// <summary>The YAML file on disk, read independently of the provider's own parser.</summary>
internal sealed class StoredYaml
{
    private readonly YamlMappingNode root;

    private StoredYaml(YamlMappingNode root) => this.root = root;

    public static StoredYaml Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
            stream.Load(reader);
        return new StoredYaml(stream.Documents.Count == 0 ? new YamlMappingNode() : (YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>The map at "mount/a/b", or null when any segment is missing.</summary>
    public YamlMappingNode? Map(string path)
    {
        YamlNode node = root;
        foreach (var segment in path.Split('/'))
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(segment), out var child))
                return null;
            node = child;
        }
        return node as YamlMappingNode;
    }

    /// <summary>The scalar keys (the secret) at a path; empty when the path holds none.</summary>
    public IReadOnlyDictionary<string, string?> Secret(string path) =>
        Map(path)?.Children
            .Where(p => p.Value is YamlScalarNode)
            .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value, StringComparer.Ordinal)
        ?? new Dictionary<string, string?>(StringComparer.Ordinal);

    public string? Value(string path, string key) => Secret(path).GetValueOrDefault(key);
}

internal static class Hosts
{
    /// <summary>ENVIRONMENT=prod with the YAML provider forced on: the host starts, and the store refuses writes and deletes.</summary>
    public static SecretsHostFactory Prod() => new(new Dictionary<string, string?>
    {
        ["ENVIRONMENT"] = "prod",
        ["ALLOW_UNSAFE_CONFIGURATION"] = "true",
        ["SECRETS_API_REQUIRE_AUTH"] = "false", ["SECRETS_ENFORCE_SCOPES"] = "false", ["SECRETS_REQUIRE_SENDER_BINDING"] = "false",
        ["ENABLE_YAML_PROVIDER"] = "true",
    });
}

/// <summary>A value that must never show up outside the store and the read endpoints.</summary>
internal static class Canary
{
    public static string New() => "canary-7f3e" + Guid.NewGuid().ToString("N")[..12];

    public static void ShouldNotContainCanary(this string text, string canary, string where) =>
        text.Contains(canary, StringComparison.Ordinal).ShouldBeFalse($"the canary leaked into {where}: {text}");
}
