namespace Secrets.Shared.Kernel;

/// <summary>The deployment profile (docs/CONFIGURATION.md#profiles), from <c>ENVIRONMENT</c> (default dev).</summary>
public enum DeploymentProfile
{
    Dev,
    Test,
    Prod,
}
