using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Grants.State;

/// <summary>
/// Readiness of the shared grant state (registered only with <c>REDIS_URL</c>): Redis answers a PING.
/// While it does not, the PEP denies with 503 GRANT_STATE_UNAVAILABLE, so the node is not ready.
/// </summary>
internal sealed class GrantStateHealthCheck(IGrantState state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state is not RedisGrantState redis)
            return HealthCheckResult.Healthy("in memory");
        try
        {
            var latency = await redis.PingAsync();
            return HealthCheckResult.Healthy($"redis ping {latency.TotalMilliseconds:0.#} ms");
        }
        catch (GrantStateUnavailableException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}
