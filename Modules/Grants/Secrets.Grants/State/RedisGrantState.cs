using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Secrets.Grants.State;

/// <summary>
/// Grant state in Redis (<c>REDIS_URL</c>), shared by every node so that <c>max_uses</c> and cached
/// denies hold across them (docs/AUTHORIZATION.md#multi-node-redis). Each operation is one Lua script, so it is atomic on its key;
/// the current time is an argument taken from the injected <see cref="TimeProvider"/>, so every node
/// (and a test's fake clock) decides expiry the same way, and Redis's own key expiry only cleans up
/// a while after the logical expiry. Times are kept in Unix milliseconds.
/// <para>
/// Keys, with the grant key's digest as hash tag so that one grant's keys share a cluster slot:
/// <c>secrets:grant:{k}</c> (hash: decision id <c>d</c>, ttl <c>t</c>, max uses <c>m</c>,
/// require_binding <c>r</c>, binding <c>b</c>, expiry <c>e</c>, uses left <c>u</c>),
/// <c>secrets:deny:{k}</c> (hash: decision id <c>d</c>, until <c>e</c>) and <c>secrets:lock:{k}</c>.
/// </para>
/// Anything that goes wrong talking to Redis, or an answer of the wrong shape, is a
/// <see cref="GrantStateUnavailableException"/>: the PEP fails closed. The connection is the process's
/// one <see cref="RedisConnection"/>, shared with <see cref="RedisReplayWindow"/>.
/// </summary>
internal sealed class RedisGrantState : IGrantState, IAsyncDisposable, IDisposable
{
    /// <summary>How long after the logical expiry Redis drops a grant or deny by itself.</summary>
    private static readonly TimeSpan CleanupSlack = TimeSpan.FromMinutes(1);

    /// <summary>The shortest lease of the decision lock, so a short wait does not make a lease that lapses mid-decision.</summary>
    private static readonly TimeSpan MinimumLockLease = TimeSpan.FromSeconds(1);

    /// <summary>The lease when the caller waits without limit; a crashed holder frees the lock after it.</summary>
    private static readonly TimeSpan UnboundedWaitLockLease = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(20);

    // KEYS[1] grant, KEYS[2] deny; ARGV[1] caller's binding (encoded), ARGV[2] now (ms).
    // A live grant (expiry after now, a use left) gives a use when the binding matches, else drift
    // with nothing taken; a dead grant is removed; then a live cached deny; else a miss.
    private static readonly RedisScript TryUseScript = new("""
        local now = tonumber(ARGV[2])
        local g = redis.call('HMGET', KEYS[1], 'e', 'u', 'b', 'd', 't', 'm', 'r')
        if g[1] then
          local u = tonumber(g[2])
          if tonumber(g[1]) > now and u > 0 then
            if g[3] ~= ARGV[1] then
              return {'drift', u, g[4], g[5], g[6], g[7], g[3], g[1]}
            end
            u = redis.call('HINCRBY', KEYS[1], 'u', -1)
            return {'used', u, g[4], g[5], g[6], g[7], g[3], g[1]}
          end
          redis.call('DEL', KEYS[1])
        end
        local d = redis.call('HMGET', KEYS[2], 'e', 'd')
        if d[1] then
          if tonumber(d[1]) > now then
            return {'denied', 0, d[2]}
          end
          redis.call('DEL', KEYS[2])
        end
        return {'miss'}
        """);

    // KEYS[1] grant, KEYS[2] deny; ARGV: decision id, ttl, max uses, require_binding (encoded),
    // binding (encoded), expiry (ms), uses left, cleanup after (ms). Replaces the grant, clears the deny.
    private static readonly RedisScript GrantAndUseScript = new("""
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[1], 'd', ARGV[1], 't', ARGV[2], 'm', ARGV[3], 'r', ARGV[4], 'b', ARGV[5], 'e', ARGV[6], 'u', ARGV[7])
        redis.call('PEXPIRE', KEYS[1], ARGV[8])
        return tonumber(ARGV[7])
        """);

    // KEYS[1] grant, KEYS[2] deny; ARGV: decision id, until (ms), cleanup after (ms). Drops the grant.
    private static readonly RedisScript DenyScript = new("""
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[2], 'd', ARGV[1], 'e', ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return 1
        """);

    // KEYS[1] lock; ARGV[1] the holder's token. Deletes the lock only while this holder still has it.
    private static readonly RedisScript ReleaseScript = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """);

    private readonly RedisConnection redis;
    private readonly bool ownsConnection;
    private readonly IDatabase db;
    private readonly TimeProvider time;
    private readonly KeyedLock locks = new();

    /// <summary>Grant state on the process's shared connection, which this state does not dispose.</summary>
    public RedisGrantState(RedisConnection redis, TimeProvider time)
        : this(redis, time, ownsConnection: false)
    {
    }

    private RedisGrantState(RedisConnection redis, TimeProvider time, bool ownsConnection)
    {
        this.redis = redis;
        this.ownsConnection = ownsConnection;
        db = redis.Database;
        this.time = time;
    }

    /// <summary>
    /// Grant state on a connection of its own to <paramref name="configuration"/>, disposed with it
    /// (one node in tests). Returns even while Redis is down; operations then throw
    /// <see cref="GrantStateUnavailableException"/> until it is back.
    /// </summary>
    public static IGrantState Connect(string configuration, TimeProvider time) =>
        new RedisGrantState(RedisConnection.Connect(configuration), time, ownsConnection: true);

    public async ValueTask<GrantUse> TryUseAsync(GrantKey key, string? binding, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await EvaluateAsync(TryUseScript, [GrantKeyOf(key), DenyKeyOf(key)], [Encode(binding), now]);
        try
        {
            var parts = (RedisResult[])result!;
            switch ((string?)parts[0])
            {
                case "miss" when parts.Length == 1:
                    return GrantUse.Miss;
                case "denied" when parts.Length == 3:
                    return new GrantUse(GrantLookup.Denied, null, 0, Text(parts[2]));
                case "used" or "drift" when parts.Length == 8:
                    var grant = new Grant(
                        Text(parts[2]),
                        int.Parse(Text(parts[3]), NumberStyles.None, CultureInfo.InvariantCulture),
                        int.Parse(Text(parts[4]), NumberStyles.None, CultureInfo.InvariantCulture),
                        Decode(Text(parts[5])),
                        Decode(Text(parts[6])),
                        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Text(parts[7]), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
                    var usesLeft = checked((int)(long)parts[1]);
                    if (usesLeft < 0)
                        break;
                    var outcome = (string?)parts[0] == "used" ? GrantLookup.Used : GrantLookup.BindingDrift;
                    return new GrantUse(outcome, grant, usesLeft, grant.DecisionId);
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw Unexpected(ex);
        }
        throw Unexpected(null);
    }

    public async ValueTask<int> GrantAndUseAsync(GrantKey key, Grant grant, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var usesLeft = grant.MaxUses - 1;
        var result = await EvaluateAsync(GrantAndUseScript, [GrantKeyOf(key), DenyKeyOf(key)],
        [
            grant.DecisionId,
            grant.TtlSeconds,
            grant.MaxUses,
            Encode(grant.RequireBinding),
            Encode(grant.Binding),
            grant.ExpiresAt.ToUnixTimeMilliseconds(),
            usesLeft,
            CleanupAfter(grant.ExpiresAt, now),
        ]);
        return result.Resp2Type == ResultType.Integer && (long)result == usesLeft ? usesLeft : throw Unexpected(null);
    }

    public async ValueTask DenyAsync(GrantKey key, string decisionId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var result = await EvaluateAsync(DenyScript, [GrantKeyOf(key), DenyKeyOf(key)],
            [decisionId, expiresAt.ToUnixTimeMilliseconds(), CleanupAfter(expiresAt, now)]);
        if (result.Resp2Type != ResultType.Integer || (long)result != 1)
            throw Unexpected(null);
    }

    /// <summary>
    /// Single flight in this process first (so one node sends one caller to Redis), then
    /// <c>SET lock token NX PX lease</c> polled with a short backoff. The whole wait is bounded by
    /// <paramref name="timeout"/> (real time, like the in-process lock): after it the caller goes
    /// ahead with a holder that holds only what it got. The lease is at least the wait, so a
    /// crashed holder frees the lock by itself.
    /// </summary>
    public async ValueTask<IAsyncDisposable> LockAsync(GrantKey key, TimeSpan timeout, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var local = await locks.EnterAsync(key, timeout, ct);
        if (!local.Entered)
            return local;

        var unbounded = timeout == Timeout.InfiniteTimeSpan;
        var lease = unbounded ? UnboundedWaitLockLease : timeout > MinimumLockLease ? timeout : MinimumLockLease;
        var lockKey = LockKeyOf(key);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var poll = FirstPoll;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (await db.StringSetAsync(lockKey, token, lease, When.NotExists))
                    return new DistributedHolder(this, lockKey, token, local);
                var left = unbounded ? poll : timeout - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                    return local;   // waited long enough: go ahead with the in-process lock only
                var jitter = TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(0, (int)poll.TotalMilliseconds + 1));
                var wait = poll + jitter;
                await Task.Delay(wait < left ? wait : left, ct);
                poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await local.DisposeAsync();
            throw Unavailable(ex);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>A round trip to Redis, for the readiness check.</summary>
    public Task<TimeSpan> PingAsync() => redis.PingAsync();

    public ValueTask DisposeAsync() => ownsConnection ? redis.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (ownsConnection)
            redis.Dispose();
    }

    private static RedisKey GrantKeyOf(GrantKey key) => $"secrets:grant:{{{key.Value}}}";

    private static RedisKey DenyKeyOf(GrantKey key) => $"secrets:deny:{{{key.Value}}}";

    private static RedisKey LockKeyOf(GrantKey key) => $"secrets:lock:{{{key.Value}}}";

    /// <summary>Absent and present values stay apart, including the empty string: "0" is null, "1…" a value.</summary>
    private static string Encode(string? value) => value is null ? "0" : "1" + value;

    private static string? Decode(string stored) => stored switch
    {
        "0" => null,
        ['1', ..] => stored[1..],
        _ => throw new FormatException("unknown optional-value encoding"),
    };

    private static string Text(RedisResult result) =>
        result.Resp2Type == ResultType.BulkString && !result.IsNull ? (string)result! : throw new FormatException("expected a string");

    /// <summary>Milliseconds until Redis drops a key that logically expires at <paramref name="expiresAt"/>.</summary>
    private static long CleanupAfter(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var remaining = expiresAt - now;
        return (long)((remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + CleanupSlack).TotalMilliseconds;
    }

    private Task<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args) =>
        redis.EvaluateAsync(script, keys, args);

    private static GrantStateUnavailableException Unavailable(Exception ex) => RedisConnection.Unavailable(ex);

    private static GrantStateUnavailableException Unexpected(Exception? ex) => RedisConnection.Unexpected(ex);

    private sealed class DistributedHolder(RedisGrantState owner, RedisKey lockKey, string token, IAsyncDisposable local) : IAsyncDisposable
    {
        private int disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0)
                return;
            try
            {
                await owner.EvaluateAsync(ReleaseScript, [lockKey], [token]);
            }
            catch (GrantStateUnavailableException)
            {
                // Redis is gone: the lease lapses by itself. Failing the caller here would only hide its own outcome.
            }
            finally
            {
                await local.DisposeAsync();
            }
        }
    }
}
