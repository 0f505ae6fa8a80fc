namespace Secrets.Host.Tests.Scopes;

/// <summary>The scope-enforcing host, as a class fixture.</summary>
public sealed class ScopeEnforcingHost : ScopeHost
{
    public ScopeEnforcingHost()
        : base(enforceScopes: true)
    {
    }
}
