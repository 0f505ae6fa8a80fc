using YamlDotNet.RepresentationModel;

namespace Secrets.Rotation.Tests;

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
