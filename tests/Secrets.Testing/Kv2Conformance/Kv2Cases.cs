using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>The KV v2 conformance table (kv2-cases.yaml, embedded in this assembly), read once.</summary>
public static class Kv2Cases
{
    private static readonly Lazy<IReadOnlyList<Kv2Case>> Table = new(Load);

    public static IReadOnlyList<Kv2Case> All => Table.Value;

    public static Kv2Case ById(string id) =>
        All.SingleOrDefault(c => c.Id == id) ?? throw new ArgumentException($"no case {id} in kv2-cases.yaml", nameof(id));

    /// <summary>Every case id, for an xunit theory: each case is a test of its own, named by its id.</summary>
    public static IEnumerable<object[]> Ids => All.Select(c => new object[] { c.Id });

    private static IReadOnlyList<Kv2Case> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("kv2-cases.yaml")
            ?? throw new InvalidOperationException("kv2-cases.yaml is not embedded");
        using var reader = new StreamReader(stream);
        var yaml = new YamlStream();
        yaml.Load(reader);
        var cases = ((YamlSequenceNode)yaml.Documents[0].RootNode).Children
            .Select(node => ToJson(node)!.AsObject())
            .Select(Case)
            .ToList();
        var duplicate = cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? cases : throw new InvalidDataException($"case id {duplicate.Key} appears twice");
    }

    private static Kv2Case Case(JsonObject node) => new(
        (string)node["id"]!,
        (string?)node["source"] ?? "",
        node["since"]?.ToString(),
        (string?)node["vault"],
        Steps(node["given"]),
        Step(node, "request", "expect"),
        [.. (node["then"]?.AsArray() ?? []).Select(then => Step(then!.AsObject(), "request", "expect"))]);

    private static List<Kv2Step> Steps(JsonNode? given) =>
        [.. (given?.AsArray() ?? []).Select(g => Step(new JsonObject { ["request"] = g!.DeepClone() }, "request", null))];

    private static Kv2Step Step(JsonObject holder, string requestName, string? expectName)
    {
        var request = holder[requestName]!.AsObject();
        var query = (request["query"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal);
        var headers = (request["headers"]?.AsObject() ?? []).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.OrdinalIgnoreCase);
        return new Kv2Step(
            (string)request["method"]!,
            (string)request["path"]!,
            query,
            headers,
            request["body"]?.DeepClone(),
            (string?)request["body_raw"],
            request.ContainsKey("body") || request.ContainsKey("body_raw"),
            expectName is null ? null : holder[expectName]?.AsObject(),
            request["expect_status"] is { } status ? (int)status : null);
    }

    /// <summary>YAML as JSON: a plain scalar is null, a boolean, a number or a string as JSON would read it; a quoted one is a string.</summary>
    internal static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                    obj[((YamlScalarNode)key).Value!] = ToJson(value);
                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(ToJson)]);
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style is not ScalarStyle.Plain)
                    return JsonValue.Create(text);
                if (text is "null" or "~" or "")
                    return null;
                if (text is "true" or "false")
                    return JsonValue.Create(text == "true");
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && char.IsAsciiDigit(text[^1]) && text[0] != '+')
                    return JsonNode.Parse(text);
                return JsonValue.Create(text);
            default:
                throw new InvalidDataException("unsupported YAML node in kv2-cases.yaml");
        }
    }
}
