namespace Secrets.Shared.Kernel.Tests;

public sealed class AnonymousPathsTests
{
    [Theory]
    [InlineData("/health/live", true)]
    [InlineData("/health/ready", true)]
    [InlineData("/HEALTH/live", true)]
    [InlineData("/metrics", true)]
    [InlineData("/swagger/v1/swagger.json", true)]
    [InlineData("/docs", true)]
    [InlineData("/.well-known/authzen-configuration", true)]
    [InlineData("/healthz", false)]
    [InlineData("/metricsx", false)]
    [InlineData("/api/secrets/value", false)]
    [InlineData("/api/health", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_the_host_endpoints_match_on_whole_segments(string? path, bool anonymous) =>
        AnonymousPaths.Contains(path).ShouldBe(anonymous);
}
