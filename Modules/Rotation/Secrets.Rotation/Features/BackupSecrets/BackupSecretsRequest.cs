namespace Secrets.Rotation.Features.BackupSecrets;

internal sealed class BackupSecretsRequest
{
    /// <summary>The canonical URI of a prefix (<c>openbao+kv2://secret/app/*</c>) or of a mount (<c>openbao+kv2://secret/*</c>).</summary>
    public string Prefix { get; init; } = "";
}
