using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Secrets.Client.Models;
using Secrets.Testing;

namespace Secrets.Client.Tests;

/// <summary>
/// The client's answer types against the service's own OpenAPI document: every field the client reads is one the service
/// describes for that endpoint's 200 answer, and every field the service describes is one the client has. A change on
/// either side that the other does not follow fails here.
/// </summary>
public sealed class OpenApiDriftTests(DefaultSecretsHost host) : IClassFixture<DefaultSecretsHost>
{
    public static TheoryData<string, string, Type> Answers => new()
    {
        { "/api/secrets/value", "get", typeof(SecretValueResult) },
        { "/api/secrets", "post", typeof(WriteResult) },
        { "/api/secrets/rotate", "post", typeof(RotateResult) },
        { "/api/secrets/rollback", "post", typeof(RotateResult) },
        { "/api/secrets/keys", "get", typeof(KeysResult) },
        { "/api/secrets/versions", "get", typeof(VersionsResult) },
        { "/api/secrets/metadata/detail", "get", typeof(MetadataDetail) },
        { "/api/secrets/metadata/owner", "post", typeof(OwnerResult) },
        { "/api/secrets/copy", "post", typeof(CopyResult) },
        { "/api/secrets/move", "post", typeof(CopyResult) },
        { "/api/secrets/bulk", "post", typeof(BulkResponse) },
        { "/api/secrets/metadata", "get", typeof(Page<MetadataItem>) },
        { "/api/secrets/search", "get", typeof(Page<SearchHit>) },
        { "/api/secrets/rotation/schedules", "get", typeof(SchedulesResult) },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task The_clients_answer_type_has_exactly_the_fields_the_service_documents(string path, string method, Type type)
    {
        var doc = JsonNode.Parse(await host.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;
        var answer = doc["paths"]![path]![method]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        var documented = Properties(doc, answer);
        var client = Fields(type);

        client.ShouldBe(documented, ignoreOrder: true, $"{method.ToUpperInvariant()} {path}: client {type.Name} vs the OpenAPI document");
        foreach (var (name, nested) in NestedTypes(type))
        {
            var inner = Resolve(doc, answer)["properties"]![name]!;
            var item = inner["items"] ?? inner;
            Fields(nested).ShouldBe(Properties(doc, item), ignoreOrder: true, $"{method.ToUpperInvariant()} {path}: {name} ({nested.Name})");
        }
    }

    /// <summary>The JSON names of a client type's fields, as the client reads them (web defaults: camelCase, or the attribute's name).</summary>
    private static string[] Fields(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    /// <summary>The fields that are lists or records of the client's own (versions, results, items), to compare one level down.</summary>
    private static IEnumerable<(string Name, Type Type)> NestedTypes(Type type)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var t = p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                ? p.PropertyType.GetGenericArguments()[0]
                : p.PropertyType;
            if (t.Namespace == typeof(SecretValueResult).Namespace && t != type)
                yield return (JsonNamingPolicy.CamelCase.ConvertName(p.Name), t);
        }
    }

    private static string[] Properties(JsonNode doc, JsonNode schema) =>
        [.. Resolve(doc, schema)["properties"]!.AsObject().Select(p => p.Key)];

    private static JsonNode Resolve(JsonNode doc, JsonNode schema)
    {
        while (true)
        {
            if (schema["allOf"] is JsonArray { Count: 1 } all)
                schema = all[0]!;
            else if (schema["$ref"] is JsonValue reference)
                schema = doc["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
            else
                return schema;
        }
    }
}
