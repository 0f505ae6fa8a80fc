using Secrets.Providers.Kv;

namespace Secrets.Providers.Features.ReadMetadataDetail;

internal sealed record VersionItem(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed)
{
    public static IReadOnlyList<VersionItem> From(KvMetadata metadata) =>
        metadata.Versions.Select(v => new VersionItem(v.Version, v.CreatedTime, v.DeletionTime, v.Destroyed)).ToList();
}
