namespace Secrets.Client.Authentication;

/// <summary>One token for the life of the client (e.g. from <c>SECRETS_TOKEN</c>).</summary>
public sealed class StaticTokenSource(string? token) : ISecretsTokenSource
{
    public ValueTask<string?> GetTokenAsync(CancellationToken ct) => ValueTask.FromResult(token);
}
