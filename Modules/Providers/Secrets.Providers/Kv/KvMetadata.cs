namespace Secrets.Providers.Kv;

/// <summary>A path's metadata: versions and timestamps (KVv2), custom metadata, and the key names (YAML).</summary>
internal sealed record KvMetadata(
    int? CurrentVersion,
    DateTimeOffset? CreatedTime,
    DateTimeOffset? UpdatedTime,
    IReadOnlyDictionary<string, string> CustomMetadata,
    IReadOnlyList<KvVersionInfo> Versions,
    IReadOnlyList<string>? Keys);
