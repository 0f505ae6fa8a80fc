using Secrets.Shared.Kernel;

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
    [InlineData("\tprod\n", DeploymentProfile.Prod)]
    public void Environment_names_select_the_profile(string? value, DeploymentProfile expected)
    {
        DeploymentProfiles.Parse(value).ShouldBe(expected);
    }

    [Theory]
    [InlineData("staging")]
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

public sealed class DeploymentProfileResolutionTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void AspNet_environment_names_do_not_pick_the_profile_when_ENVIRONMENT_is_unset(string aspNetName)
    {
        DeploymentProfiles.Resolve(aspNetName, processVariable: null).ShouldBe(DeploymentProfile.Dev);
    }

    [Theory]
    [InlineData("prod", DeploymentProfile.Prod)]
    [InlineData("test", DeploymentProfile.Test)]
    [InlineData(null, DeploymentProfile.Dev)]
    public void Our_own_names_always_pick_the_profile(string? value, DeploymentProfile expected) =>
        DeploymentProfiles.Resolve(value, processVariable: null).ShouldBe(expected);

    [Fact]
    public void An_explicit_ENVIRONMENT_variable_with_an_aspnet_name_is_honoured() =>
        DeploymentProfiles.Resolve("Production", processVariable: "Production").ShouldBe(DeploymentProfile.Prod);
}
