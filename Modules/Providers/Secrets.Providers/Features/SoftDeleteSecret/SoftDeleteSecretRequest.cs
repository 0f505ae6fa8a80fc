namespace Secrets.Providers.Features.SoftDeleteSecret;

internal sealed class SoftDeleteSecretRequest
{
    public string Uri { get; init; } = "";
    public bool Destroy { get; init; }
}
