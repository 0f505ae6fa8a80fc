using Secrets.Providers.Features.ReadMetadataDetail;

namespace Secrets.Providers.Features.ListVersions;

internal sealed record ListVersionsResponse(string Uri, int? CurrentVersion, IReadOnlyList<VersionItem> Versions);
