namespace Secrets.Grants.State;

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
