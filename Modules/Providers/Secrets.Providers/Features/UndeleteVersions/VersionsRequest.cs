namespace Secrets.Providers.Features.UndeleteVersions;

internal sealed class VersionsRequest
{
    public string Uri { get; init; } = "";
    public IReadOnlyList<int>? Versions { get; init; }
}
