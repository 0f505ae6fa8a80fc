using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// <c>RATE_LIMIT_PER_CLIENT_RPS</c> (default 200) and <c>RATE_LIMIT_BURST</c> (default 400), docs/CONFIGURATION.md#rate-limiting;
/// <c>0</c> in either turns rate limiting off.
/// </summary>
internal sealed record RateLimitSettings(int PerClientRps, int Burst)
{
    public const int Max = 1_000_000;

    public bool Enabled => PerClientRps > 0 && Burst > 0;

    public static RateLimitSettings From(IConfiguration config) => new(
        Settings.Int(config["RATE_LIMIT_PER_CLIENT_RPS"], "RATE_LIMIT_PER_CLIENT_RPS", 200, 0, Max),
        Settings.Int(config["RATE_LIMIT_BURST"], "RATE_LIMIT_BURST", 400, 0, Max));
}
