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

/// <summary>
/// Connects to Redis while the host starts rather than inside the first requests (which would
/// otherwise wait for the connection and, failing fast, deny). Redis being down does not stop the
/// start: the PEP then answers 503 until the client reconnects in the background. The grant state
/// and the replay window share the one connection.
/// </summary>
internal sealed class GrantStateConnection(RedisConnection connection, IGrantState state, IReplayWindow replays)
    : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = (connection, state, replays);   // resolving the singletons is what connects
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
