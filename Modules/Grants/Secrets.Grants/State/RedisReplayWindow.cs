using StackExchange.Redis;

namespace Secrets.Grants.State;

/// <summary>
/// The replay window in Redis (<c>REDIS_URL</c>), on the process's one <see cref="RedisConnection"/>
/// (shared with <see cref="RedisGrantState"/>), so a claim made on one node is a replay on every other.
/// Each claim is one Lua script, atomic on its key; the current time is an argument from the injected
/// <see cref="TimeProvider"/>, like the grant scripts, and Redis's own key expiry only cleans up a
/// while after the logical expiry. Key: <c>secrets:replay:{digest}</c> (the <see cref="ReplayId"/>
/// digest, which covers the scope), value: the claim's expiry in Unix milliseconds.
/// Anything that goes wrong talking to Redis, or an answer of the wrong shape, is a
/// <see cref="GrantStateUnavailableException"/>: the caller fails closed.
/// </summary>
internal sealed class RedisReplayWindow : IReplayWindow, IAsyncDisposable, IDisposable
{
    /// <summary>How long after the logical expiry Redis drops a claim by itself; never before it.</summary>
    private static readonly TimeSpan CleanupSlack = TimeSpan.FromMinutes(1);

    // KEYS[1] claim; ARGV[1] now (ms), ARGV[2] the new claim's expiry (ms), ARGV[3] cleanup after (ms).
    // A stored expiry after now is a live claim: 0, nothing changed. Otherwise (absent or expired) the
    // key takes the new expiry, with Redis's own expiry as a safety net: 1. A value that is not a
    // number (a foreign key) makes the script fail, which the caller reports as unavailable.
    private static readonly RedisScript ClaimScript = new("""
        local e = redis.call('GET', KEYS[1])
        if e and tonumber(e) > tonumber(ARGV[1]) then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """);

    private readonly RedisConnection redis;
    private readonly bool ownsConnection;
    private readonly TimeProvider time;

    /// <summary>The replay window on the process's shared connection, which it does not dispose.</summary>
    public RedisReplayWindow(RedisConnection redis, TimeProvider time)
        : this(redis, time, ownsConnection: false)
    {
    }

    private RedisReplayWindow(RedisConnection redis, TimeProvider time, bool ownsConnection)
    {
        this.redis = redis;
        this.time = time;
        this.ownsConnection = ownsConnection;
    }

    /// <summary>
    /// A replay window on a connection of its own to <paramref name="configuration"/>, disposed with it
    /// (one node in tests). Returns even while Redis is down; claims then throw
    /// <see cref="GrantStateUnavailableException"/> until it is back.
    /// </summary>
    public static RedisReplayWindow Connect(string configuration, TimeProvider time) =>
        new(RedisConnection.Connect(configuration), time, ownsConnection: true);

    public async ValueTask<bool> TryClaimAsync(ReplayId id, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        expiresAt = IReplayWindow.ClaimExpiry(expiresAt);
        if (expiresAt <= now)
            return false;   // outside its window already: refused, nothing stored (see IReplayWindow)
        var cleanupAfter = (long)(expiresAt - now + CleanupSlack).TotalMilliseconds;
        var result = await redis.EvaluateAsync(ClaimScript, [KeyOf(id)],
            [now.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(), cleanupAfter]);
        if (result.Resp2Type == ResultType.Integer)
        {
            switch ((long)result)
            {
                case 1: return true;
                case 0: return false;
            }
        }
        throw RedisConnection.Unexpected(null);
    }

    public ValueTask DisposeAsync() => ownsConnection ? redis.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (ownsConnection)
            redis.Dispose();
    }

    internal static RedisKey KeyOf(ReplayId id) => $"secrets:replay:{{{id.Digest}}}";
}
