namespace Secrets.Providers.Features.ReadMetadataDetail;

internal sealed record MetadataDetailResponse(
    string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime,
    IReadOnlyDictionary<string, string> CustomMetadata, IReadOnlyList<VersionItem> Versions);
