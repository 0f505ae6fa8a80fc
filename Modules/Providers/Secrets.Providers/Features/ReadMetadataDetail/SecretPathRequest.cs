namespace Secrets.Providers.Features.ReadMetadataDetail;

internal sealed class SecretPathRequest
{
    public string Uri { get; init; } = "";
}
