using Secrets.Grants.Contracts;
using Secrets.Shared.Kernel;
using StackExchange.Redis;

namespace Secrets.Grants.State;

/// <summary>
/// The shared records in Redis (<c>REDIS_URL</c>), on the process's one <see cref="RedisConnection"/>. A record is a
/// hash <c>secrets:shared:{key}</c> with its value <c>v</c> and its logical expiry <c>e</c> (Unix ms); each change is
/// one Lua script, atomic on its key, with the current time an argument from the injected clock, as for the grants;
/// Redis's own expiry only cleans up a while after the logical one. Redis unreachable, or a record of the wrong
/// shape, is 503 <c>GRANT_STATE_UNAVAILABLE</c>.
/// </summary>
internal sealed class RedisSharedRecords(RedisConnection redis, TimeProvider time) : ISharedRecords
{
    private static readonly TimeSpan CleanupSlack = TimeSpan.FromMinutes(1);

    // KEYS[1] record; ARGV[1] now (ms), ARGV[2] value, ARGV[3] expiry (ms), ARGV[4] cleanup after (ms). A live record: 0.
    private static readonly RedisScript AddScript = new("""
        local e = redis.call('HGET', KEYS[1], 'e')
        if e and tonumber(e) > tonumber(ARGV[1]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'e', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """);

    // KEYS[1] record; ARGV[1] now (ms), ARGV[2] value, ARGV[3] expiry (ms), ARGV[4] cleanup after (ms), ARGV[5] expected value.
    private static readonly RedisScript ReplaceScript = new("""
        local r = redis.call('HMGET', KEYS[1], 'v', 'e')
        if not r[2] or tonumber(r[2]) <= tonumber(ARGV[1]) or r[1] ~= ARGV[5] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'e', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """);

    // KEYS[1] record; ARGV[1] now (ms), ARGV[2] value, ARGV[3] expiry (ms), ARGV[4] cleanup after (ms).
    private static readonly RedisScript SetScript = new("""
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'e', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """);

    public Task<bool> TryAddAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct) =>
        RunAsync(AddScript, key, value, expiresAt, []);

    public Task<bool> TryReplaceAsync(string key, string expected, string value, DateTimeOffset expiresAt, CancellationToken ct) =>
        RunAsync(ReplaceScript, key, value, expiresAt, [expected]);

    public Task SetAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct) =>
        RunAsync(SetScript, key, value, expiresAt, []);

    public async Task<string?> GetAsync(string key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        RedisValue[] fields;
        try
        {
            fields = await redis.Database.HashGetAsync(KeyOf(key), ["v", "e"]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw GrantStateUnavailableException.Problem();
        }
        if (fields[0].IsNull || fields[1].IsNull)
            return null;
        if (!fields[1].TryParse(out long expiresMs))
            throw GrantStateUnavailableException.Problem();
        return expiresMs > time.GetUtcNow().ToUnixTimeMilliseconds() ? (string?)fields[0] : null;
    }

    private async Task<bool> RunAsync(RedisScript script, string key, string value, DateTimeOffset expiresAt, RedisValue[] more)
    {
        var now = time.GetUtcNow();
        var cleanupAfter = (long)Math.Max(1, (expiresAt - now + CleanupSlack).TotalMilliseconds);
        RedisResult result;
        try
        {
            result = await redis.EvaluateAsync(script, [KeyOf(key)],
                [now.ToUnixTimeMilliseconds(), value, expiresAt.ToUnixTimeMilliseconds(), cleanupAfter, .. more]);
        }
        catch (GrantStateUnavailableException)
        {
            throw GrantStateUnavailableException.Problem();
        }
        return result.Resp2Type == ResultType.Integer ? (long)result == 1 : throw GrantStateUnavailableException.Problem();
    }

    internal static RedisKey KeyOf(string key) => "secrets:shared:" + key;
}
