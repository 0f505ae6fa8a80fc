namespace Secrets.Host.Tests.Scopes;

/// <summary>The same host with SECRETS_ENFORCE_SCOPES left at its dev default (false).</summary>
public sealed class ScopeLenientHost : ScopeHost
{
    public ScopeLenientHost()
        : base(enforceScopes: false)
    {
    }
}
