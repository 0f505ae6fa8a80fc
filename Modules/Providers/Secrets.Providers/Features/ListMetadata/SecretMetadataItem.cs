namespace Secrets.Providers.Features.ListMetadata;

internal sealed record SecretMetadataItem(
    string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime, IReadOnlyList<string>? Keys);
