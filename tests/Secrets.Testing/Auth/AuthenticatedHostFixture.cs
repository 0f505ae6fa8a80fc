namespace Secrets.Testing.Auth;

/// <summary>An <see cref="AuthenticatedHost"/> with its own issuer and no other settings, as an xunit class fixture.</summary>
public sealed class AuthenticatedHostFixture : AuthenticatedHost
{
    public AuthenticatedHostFixture()
    {
    }
}
