namespace Secrets.Testing;

/// <summary>The default host, as an xunit class fixture (fixtures need exactly one public constructor).</summary>
public sealed class DefaultSecretsHost : SecretsHostFactory
{
    public DefaultSecretsHost()
        : base(null)
    {
    }
}
