using System.Globalization;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>The custom metadata stamps (created_by, created_at, owner; docs/PROVIDERS.md#metadata-stamps).</summary>
internal static class ProviderMetadata
{
    public const string CreatedBy = "created_by";
    public const string CreatedAt = "created_at";
    public const string Owner = "owner";

    public static ResourceAttributes Attributes(KvMetadata metadata)
    {
        metadata.CustomMetadata.TryGetValue(Owner, out var owner);
        metadata.CustomMetadata.TryGetValue(CreatedBy, out var createdBy);
        DateTimeOffset? createdAt = metadata.CustomMetadata.TryGetValue(CreatedAt, out var at)
            && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed : null;
        return new ResourceAttributes(owner, createdBy, createdAt);
    }
}
