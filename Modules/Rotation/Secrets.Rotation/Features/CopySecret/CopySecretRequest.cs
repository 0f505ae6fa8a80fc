namespace Secrets.Rotation.Features.CopySecret;

internal sealed class CopySecretRequest
{
    public string FromUri { get; init; } = "";
    public string ToUri { get; init; } = "";
    public bool Overwrite { get; init; }
}
