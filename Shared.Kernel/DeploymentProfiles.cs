namespace Secrets.Shared.Kernel;

public static class DeploymentProfiles
{
    /// <summary>
    /// The profile the configured <c>ENVIRONMENT</c> names. ASP.NET Core's own environment
    /// (<c>ASPNETCORE_ENVIRONMENT</c>, <c>--environment</c>) arrives under the same key: <c>Development</c>
    /// means dev and <c>Production</c> prod, so a deployment marked production never runs as dev;
    /// <c>Staging</c>, which is neither, is refused like any other unknown name.
    /// </summary>
    public static DeploymentProfile Parse(string? value) => (value ?? "dev").Trim().ToLowerInvariant() switch
    {
        "" or "dev" or "development" => DeploymentProfile.Dev,
        "test" or "testing" => DeploymentProfile.Test,
        "prod" or "production" => DeploymentProfile.Prod,
        _ => throw new InvalidOperationException("ENVIRONMENT must be one of dev, test, prod"),
    };

    public static bool AllowsDevWrites(this DeploymentProfile profile) => profile is DeploymentProfile.Dev or DeploymentProfile.Test;

    /// <summary>
    /// <c>ENABLE_AUTHORIZATION</c>: whether the PEP consults the PDP (docs/AUTHORIZATION.md#enforcement): optional (off) in
    /// dev, on in test and prod.
    /// </summary>
    public static bool EnforcesAuthorization(DeploymentProfile profile, string? configured) =>
        Settings.Bool(configured, "ENABLE_AUTHORIZATION", profile != DeploymentProfile.Dev);
}
