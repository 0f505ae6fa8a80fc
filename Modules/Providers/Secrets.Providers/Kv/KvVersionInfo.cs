namespace Secrets.Providers.Kv;

/// <summary>One version in a path's metadata.</summary>
internal sealed record KvVersionInfo(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed);
