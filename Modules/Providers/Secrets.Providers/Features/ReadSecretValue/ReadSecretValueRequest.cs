namespace Secrets.Providers.Features.ReadSecretValue;

internal sealed class ReadSecretValueRequest
{
    public string Uri { get; init; } = "";
    public int? Version { get; init; }
}
