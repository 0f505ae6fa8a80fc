using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Secrets.Providers.Kv.Yaml;

/// <summary>YAML ↔ JSON tree conversion for the YAML provider. Strings are written quoted, so types survive a round trip.</summary>
internal static class YamlJson
{
    public static JsonObject Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0)
            return [];
        return ToJson(stream.Documents[0].RootNode) switch
        {
            JsonObject obj => obj,
            null => [],
            _ => throw new InvalidDataException("the YAML file's top level must be a map of mounts"),
        };
    }

    public static string Serialize(JsonObject root, string? header)
    {
        var doc = new YamlDocument(ToYaml(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        if (header is not null)
            writer.Write(header);
        new YamlStream(doc).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new InvalidDataException("unsupported YAML node"),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw new InvalidDataException("YAML map keys must be scalars");
            if (obj.ContainsKey(name))
                throw new InvalidDataException("duplicate key in YAML map");
            obj[name] = ToJson(value);
        }
        return obj;
    }

    private static JsonValue? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (bool.TryParse(text, out var b))
            return JsonValue.Create(b);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    private static YamlNode ToYaml(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var map = new YamlMappingNode();
                foreach (var (key, value) in obj)
                    map.Add(new YamlScalarNode(key) { Style = ScalarStyle.DoubleQuoted }, ToYaml(value));
                return map;
            case JsonArray array:
                return new YamlSequenceNode(array.Select(ToYaml));
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            case JsonValue value when value.TryGetValue<string>(out var s):
                return new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted };
            default:
                return new YamlScalarNode(node.ToJsonString()) { Style = ScalarStyle.Plain };
        }
    }
}
