using Secrets.Shared.Kernel;

namespace Secrets.Host.Tests;

/// <summary><c>LOG_FORMAT</c>: text in dev, JSON lines elsewhere; an empty value is the default, like every setting.</summary>
public sealed class LogFormatTests
{
    [Theory]
    [InlineData(null, DeploymentProfile.Dev, false)]
    [InlineData("", DeploymentProfile.Dev, false)]
    [InlineData("  ", DeploymentProfile.Dev, false)]
    [InlineData(null, DeploymentProfile.Test, true)]
    [InlineData("", DeploymentProfile.Prod, true)]
    [InlineData("TEXT", DeploymentProfile.Prod, false)]
    [InlineData(" text ", DeploymentProfile.Test, false)]
    [InlineData("json", DeploymentProfile.Dev, true)]
    public void Format_follows_the_setting_or_the_profile(string? configured, DeploymentProfile profile, bool json) =>
        HostDefaults.JsonLogs(configured, profile).ShouldBe(json);
}
