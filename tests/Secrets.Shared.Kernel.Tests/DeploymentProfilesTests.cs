namespace Secrets.Shared.Kernel.Tests;

/// <summary>Profiles (docs/CONFIGURATION.md#profiles): ENVIRONMENT (default dev) selects dev, test or prod; anything else is refused.</summary>
public sealed class DeploymentProfilesTests
{
    [Theory]
    [InlineData(null, DeploymentProfile.Dev)]
    [InlineData("", DeploymentProfile.Dev)]
    [InlineData("dev", DeploymentProfile.Dev)]
    [InlineData("Development", DeploymentProfile.Dev)]
    [InlineData(" DEV ", DeploymentProfile.Dev)]
    [InlineData("test", DeploymentProfile.Test)]
    [InlineData("Testing", DeploymentProfile.Test)]
    [InlineData("prod", DeploymentProfile.Prod)]
    [InlineData("PRODUCTION", DeploymentProfile.Prod)]
    [InlineData("Production", DeploymentProfile.Prod)]   // ASP.NET Core's name for it (ASPNETCORE_ENVIRONMENT): never silently dev
    [InlineData("\tprod\n", DeploymentProfile.Prod)]
    public void Environment_names_select_the_profile(string? value, DeploymentProfile expected)
    {
        DeploymentProfiles.Parse(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("Staging")]
    [InlineData("prd")]
    [InlineData("production-eu")]
    [InlineData("de v")]
    public void Unknown_environment_is_refused(string value)
    {
        Should.Throw<InvalidOperationException>(() => DeploymentProfiles.Parse(value));
    }

    [Theory]
    [InlineData(DeploymentProfile.Dev, true)]
    [InlineData(DeploymentProfile.Test, true)]
    [InlineData(DeploymentProfile.Prod, false)]
    public void Only_dev_and_test_allow_dev_writes(DeploymentProfile profile, bool allowed)
    {
        profile.AllowsDevWrites().ShouldBe(allowed);
    }
}
