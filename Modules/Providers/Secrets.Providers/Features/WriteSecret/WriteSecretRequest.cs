using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.WriteSecret;

internal sealed class WriteSecretRequest
{
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public int? Cas { get; init; }
}
