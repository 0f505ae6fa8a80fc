using StackExchange.Redis;

namespace Secrets.Grants.State;

/// <summary>
/// The one Redis connection of a process (<c>REDIS_URL</c>), shared by the grant state and the replay
/// window. It runs their Lua scripts (EVALSHA, then EVAL after NOSCRIPT) and turns anything that goes
/// wrong talking to Redis into a <see cref="GrantStateUnavailableException"/>, so every caller fails
/// closed the same way. Registered once in <see cref="GrantsModule"/>; the stores built on it do not
/// own it unless they made it themselves.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    /// <summary>Sync and async command timeout unless <c>REDIS_URL</c> names its own: a stuck Redis answers quickly.</summary>
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Connect timeout unless <c>REDIS_URL</c> names its own (the connection is made at startup).</summary>
    internal static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly IConnectionMultiplexer multiplexer;

    internal RedisConnection(IConnectionMultiplexer multiplexer)
    {
        this.multiplexer = multiplexer;
        Database = multiplexer.GetDatabase();
    }

    public IDatabase Database { get; }

    /// <summary>
    /// Connects to <paramref name="configuration"/> (a StackExchange.Redis configuration string).
    /// Returns even while Redis is down; operations then throw <see cref="GrantStateUnavailableException"/>
    /// until it is back.
    /// </summary>
    public static RedisConnection Connect(string configuration) =>
        new(ConnectionMultiplexer.Connect(Options(configuration)));

    /// <summary>
    /// The configuration string with what the PEP needs: start while Redis is down, fail fast while
    /// there is no connection (the PEP answers 503 at once and the client reconnects in the
    /// background), no key names in errors.
    /// </summary>
    internal static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.IncludeDetailInExceptions = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;     // no connection → fail closed now, not after a timeout
        var timeout = (int)DefaultTimeout.TotalMilliseconds;
        if (!Names(configuration, "connectTimeout"))
            options.ConnectTimeout = (int)DefaultConnectTimeout.TotalMilliseconds;
        if (!Names(configuration, "syncTimeout"))
            options.SyncTimeout = timeout;
        if (!Names(configuration, "asyncTimeout"))
            options.AsyncTimeout = timeout;
        return options;
    }

    private static bool Names(string configuration, string option) =>
        configuration.Split(',').Any(part => part.TrimStart().StartsWith(option + "=", StringComparison.OrdinalIgnoreCase));

    /// <summary>EVALSHA; after NOSCRIPT (Redis restarted or its script cache flushed) EVAL, which loads the script again.</summary>
    public async Task<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            try
            {
                return await Database.ScriptEvaluateAsync(script.Hash, keys, args);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                return await Database.ScriptEvaluateAsync(script.Body, keys, args);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)   // RedisTimeoutException is a TimeoutException
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>A round trip to Redis, for the readiness check.</summary>
    public async Task<TimeSpan> PingAsync()
    {
        try
        {
            return await Database.PingAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    public ValueTask DisposeAsync() => multiplexer.DisposeAsync();

    public void Dispose() => multiplexer.Dispose();

    /// <summary>Redis could not be reached; the message names the exception type only (no keys, no values).</summary>
    internal static GrantStateUnavailableException Unavailable(Exception ex) =>
        new($"Redis grant state unavailable ({ex.GetType().Name})", ex);

    /// <summary>Redis answered, but not in the shape the script promises (a foreign or damaged key).</summary>
    internal static GrantStateUnavailableException Unexpected(Exception? ex) =>
        new("Redis grant state gave an unexpected answer", ex);
}
