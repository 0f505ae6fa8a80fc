namespace Secrets.Client.Authentication;

/// <summary>Where the client's access token comes from: asked before every request, so it may cache and refresh.</summary>
public interface ISecretsTokenSource
{
    /// <summary>The access token to send, or null to call without one (dev, where anonymous callers are served).</summary>
    ValueTask<string?> GetTokenAsync(CancellationToken ct);
}
