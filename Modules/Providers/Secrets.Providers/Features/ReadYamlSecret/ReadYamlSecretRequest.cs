namespace Secrets.Providers.Features.ReadYamlSecret;

internal sealed class ReadYamlSecretRequest
{
    public string Uri { get; init; } = "";
}
