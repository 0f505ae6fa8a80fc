using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Yaml;

/// <summary>
/// The YAML provider (dev only, docs/PROVIDERS.md): top-level key = mount, path segments walk nested maps,
/// fragment = key. A map at a path is a secret; its map-valued children are sub-paths, so writing
/// or deleting a secret never touches the secrets below it. No versions, no metadata.
/// </summary>
internal sealed class YamlKvStore(AtomicYamlFile file, DeploymentProfile profile) : IKvStore
{
    public const string SchemeName = "yaml";

    public string Scheme => SchemeName;

    public KvCapabilities Capabilities => KvCapabilities.Read | KvCapabilities.Write | KvCapabilities.SoftDelete | KvCapabilities.List | KvCapabilities.DevRead;

    public string FilePath => file.FullPath;

    public Task<KvEntry?> ReadAsync(KvPath path, int? version, CancellationToken ct)
    {
        var node = Find(file.Read(), path);
        return Task.FromResult(node is JsonObject map ? Entries.GetValue(map, static m => HasSecretKeys(m) ? new KvEntry(ToMap(m), null) : null) : null);
    }

    /// <summary>
    /// The entry of each map of the snapshot in force, made once: snapshots are never changed (a write or
    /// an external edit makes a new one), and an entry lives only as long as its snapshot.
    /// </summary>
    private static readonly ConditionalWeakTable<JsonObject, KvEntry?> Entries = new();

    public Task<int?> WriteAsync(KvPath path, SecretMap data, int? cas, CancellationToken ct) =>
        UpdateAsync(path, _ => data, ct);

    public async Task<int?> UpdateAsync(KvPath path, Func<SecretMap?, SecretMap> change, CancellationToken ct)
    {
        EnsureWritable();
        await file.UpdateAsync(root =>
        {
            var existing = Find(root, path) as JsonObject;
            var next = change(existing is not null && HasSecretKeys(existing) ? ToMap(existing) : null);   // before any path is made
            var map = existing ?? FindOrCreate(root, path);
            foreach (var key in SecretKeys(map).ToList())
                map.Remove(key);
            foreach (var (key, value) in next.Entries)
            {
                if (value.IsObject)
                    throw new SecretsProblem(ErrorCode.UnsupportedValue);
                if (map[key] is JsonObject)
                    throw new SecretsProblem(ErrorCode.PathConflict);   // would overwrite the secrets below
                map[key] = value.Reveal();
            }
            if (map.Count == 0)
                Prune(root, path);   // the last key went: leave no empty map behind
            return 0;
        }, ct);
        return null;
    }

    public async Task<bool> DeleteAsync(KvPath path, IReadOnlyList<int>? versions, CancellationToken ct)
    {
        EnsureWritable();
        if (Find(file.Read(), path) is not JsonObject existing || !HasSecretKeys(existing))
            return false;
        return await file.UpdateAsync(root =>
        {
            if (Find(root, path) is not JsonObject map || !HasSecretKeys(map))
                return false;
            foreach (var key in SecretKeys(map).ToList())
                map.Remove(key);
            Prune(root, path);
            return true;
        }, ct);
    }

    public Task<bool> DestroyAllAsync(KvPath path, CancellationToken ct) => throw new SecretsProblem(ErrorCode.OperationNotSupported);

    public Task UndeleteAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) => throw new SecretsProblem(ErrorCode.OperationNotSupported);

    public Task DestroyAsync(KvPath path, IReadOnlyList<int> versions, CancellationToken ct) => throw new SecretsProblem(ErrorCode.OperationNotSupported);

    public Task<KvMetadata?> ReadMetadataAsync(KvPath path, CancellationToken ct)
    {
        var node = Find(file.Read(), path);
        return Task.FromResult(node is JsonObject map && HasSecretKeys(map)
            ? new KvMetadata(null, null, null, new Dictionary<string, string>(), [], SecretKeys(map).Order(StringComparer.Ordinal).ToList())
            : null);
    }

    public Task UpdateCustomMetadataAsync(KvPath path, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>?> change, CancellationToken ct) =>
        throw new SecretsProblem(ErrorCode.OperationNotSupported);

    public async IAsyncEnumerable<string> ListAsync(KvPath prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        if (Find(file.Read(), prefix) is not JsonObject folder)
            yield break;
        foreach (var (name, child) in folder.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (child is not JsonObject map)
                continue;
            if (HasSecretKeys(map))
                yield return name;
            if (map.Any(p => p.Value is JsonObject))
                yield return name + "/";
        }
    }

    public Task CheckReadyAsync(CancellationToken ct)
    {
        file.Read();   // 502 PROVIDER_ERROR when the file cannot be parsed and no good snapshot exists
        return Task.CompletedTask;
    }

    private void EnsureWritable()
    {
        if (!profile.AllowsDevWrites())
            throw new SecretsProblem(ErrorCode.EnvironmentGuard);
    }

    private static IEnumerable<string> SecretKeys(JsonObject map) => map.Where(p => p.Value is not JsonObject).Select(p => p.Key);

    private static bool HasSecretKeys(JsonObject map) => map.Any(p => p.Value is not JsonObject);

    private static SecretMap ToMap(JsonObject map) =>
        new(map.Where(p => p.Value is not JsonObject).Select(p => new KeyValuePair<string, SecretValue>(p.Key, SecretValue.FromJson(p.Value))));

    private static JsonNode? Find(JsonObject root, KvPath path)
    {
        JsonNode? node = root[path.Mount];
        foreach (var segment in path.Segments)
        {
            if (node is not JsonObject obj)
                return null;
            node = obj[segment];
        }
        return node;
    }

    private static JsonObject FindOrCreate(JsonObject root, KvPath path)
    {
        var node = root;
        foreach (var segment in path.Segments.Prepend(path.Mount))
        {
            switch (node[segment])
            {
                case JsonObject child:
                    node = child;
                    break;
                case null when !node.ContainsKey(segment):   // a key holding null is a value too: PATH_CONFLICT below
                    var created = new JsonObject();
                    node[segment] = created;
                    node = created;
                    break;
                default:
                    throw new SecretsProblem(ErrorCode.PathConflict);
            }
        }
        return node;
    }

    /// <summary>Removes maps left empty by a delete, from the path upwards (the mount stays).</summary>
    private static void Prune(JsonObject root, KvPath path)
    {
        var segments = path.Segments.ToList();
        for (var depth = segments.Count; depth > 0; depth--)
        {
            var parentPath = new KvPath(path.Mount, string.Join('/', segments.Take(depth - 1)));
            if (Find(root, parentPath) is not JsonObject parent || parent[segments[depth - 1]] is not JsonObject child || child.Count > 0)
                return;
            parent.Remove(segments[depth - 1]);
        }
    }
}
