using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Grants.State;
using Secrets.Testing;

namespace Secrets.Grants.Tests.State;

/// <summary>Redis down, never up, and back: each test has a server of its own to stop.</summary>
public sealed class RedisGrantStateOutageTests : IDisposable
{
    /// <summary>The bound on a dead Redis's answer: the 3 s command timeout and some slack (with no connection it is immediate).</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(6);

    private readonly RedisServer redis = new();
    private readonly List<RedisGrantState> states = [];

    public void Dispose()
    {
        foreach (var state in states)
            state.Dispose();
        redis.Dispose();
    }

    private RedisGrantState Connect()
    {
        var state = (RedisGrantState)RedisGrantState.Connect(redis.ConnectionString, TimeProvider.System);
        states.Add(state);
        return state;
    }

    private static GrantKey NewKey() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    private static Grant NewGrant() =>
        new("dec-" + Guid.NewGuid().ToString("N"), 60, 3, null, "dpop:jkt-a", DateTimeOffset.UtcNow.AddSeconds(60));

    [Fact]
    public async Task Every_operation_fails_closed_and_quickly_when_redis_stops()
    {
        var state = Connect();
        var key = NewKey();
        var grant = NewGrant();
        await state.GrantAndUseAsync(key, grant, CancellationToken.None);

        redis.Stop();

        await ShouldBeUnavailableQuickly(key, () => state.TryUseAsync(key, grant.Binding, CancellationToken.None).AsTask());
        await ShouldBeUnavailableQuickly(key, () => state.GrantAndUseAsync(key, grant, CancellationToken.None).AsTask());
        await ShouldBeUnavailableQuickly(key, () => state.DenyAsync(key, "dec-deny", DateTimeOffset.UtcNow.AddSeconds(5), CancellationToken.None).AsTask());
        await ShouldBeUnavailableQuickly(key, () => state.LockAsync(key, TimeSpan.FromSeconds(30), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Connect_returns_while_nothing_listens_and_operations_then_fail_closed()
    {
        redis.Stop();
        var started = Stopwatch.GetTimestamp();

        var state = Connect();

        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(15));
        var key = NewKey();
        await ShouldBeUnavailableQuickly(key, () => state.TryUseAsync(key, null, CancellationToken.None).AsTask());
        await ShouldBeUnavailableQuickly(key, () => state.GrantAndUseAsync(key, NewGrant(), CancellationToken.None).AsTask());
        await ShouldBeUnavailableQuickly(key, () => state.DenyAsync(key, "dec-deny", DateTimeOffset.UtcNow.AddSeconds(5), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_lock_taken_before_redis_stops_can_still_be_released()
    {
        var state = Connect();
        var key = NewKey();
        var held = await state.LockAsync(key, TimeSpan.FromSeconds(30), CancellationToken.None);

        redis.Stop();
        var releasing = Stopwatch.GetTimestamp();
        await held.DisposeAsync().AsTask().WaitAsync(Quickly);   // Redis is gone: the release neither throws nor hangs …
        Stopwatch.GetElapsedTime(releasing).ShouldBeLessThan(Quickly);
        redis.Start();
        await WhenBack(() => state.TryUseAsync(NewKey(), null, CancellationToken.None).AsTask());   // the connection is back

        // … and it let go of this process's share of the lock: the next caller gets the lock in Redis at once,
        // instead of waiting out its 5 s behind a holder that is gone and going ahead without Redis's lock.
        var waiting = Stopwatch.GetTimestamp();
        await using var again = await state.LockAsync(key, TimeSpan.FromSeconds(5), CancellationToken.None);
        Stopwatch.GetElapsedTime(waiting).ShouldBeLessThan(TimeSpan.FromSeconds(2));
        using var peek = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        (await peek.GetDatabase().KeyExistsAsync($"secrets:lock:{{{key.Value}}}")).ShouldBeTrue("the new holder holds the lock in Redis");
    }

    [Fact]
    public async Task A_released_lock_is_gone_from_redis_so_a_peer_takes_it_at_once()
    {
        var key = NewKey();
        var first = Connect();
        var peer = Connect();   // another node: its own connection and in-process locks
        var held = await first.LockAsync(key, TimeSpan.FromSeconds(30), CancellationToken.None);

        await held.DisposeAsync();

        var waiting = Stopwatch.GetTimestamp();
        await using var taken = await peer.LockAsync(key, TimeSpan.FromSeconds(10), CancellationToken.None);
        Stopwatch.GetElapsedTime(waiting).ShouldBeLessThan(TimeSpan.FromSeconds(2));   // not the 30 s lease
    }

    [Fact]
    public async Task Restarted_redis_is_used_again_empty_and_with_its_scripts_reloaded()
    {
        var state = Connect();
        var key = NewKey();
        var grant = NewGrant();
        await state.GrantAndUseAsync(key, grant, CancellationToken.None);
        redis.Stop();
        await ShouldBeUnavailableQuickly(key, () => state.TryUseAsync(key, grant.Binding, CancellationToken.None).AsTask());

        redis.Start();

        (await WhenBack(() => state.TryUseAsync(key, grant.Binding, CancellationToken.None).AsTask())).ShouldBe(GrantUse.Miss);
        (await state.GrantAndUseAsync(key, grant, CancellationToken.None)).ShouldBe(2);
        (await state.TryUseAsync(key, grant.Binding, CancellationToken.None)).RemainingUses.ShouldBe(1);
    }

    [Fact]
    public async Task Readiness_follows_redis()
    {
        var check = new GrantStateHealthCheck(Connect());
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("grant-state", check, HealthStatus.Unhealthy, ["ready"]),
        };

        (await check.CheckHealthAsync(context)).Status.ShouldBe(HealthStatus.Healthy);
        redis.Stop();
        (await check.CheckHealthAsync(context).WaitAsync(TimeSpan.FromSeconds(10))).Status.ShouldBe(HealthStatus.Unhealthy);
        redis.Start();
        (await WhenBack(async () =>
        {
            var result = await check.CheckHealthAsync(context);
            return result.Status == HealthStatus.Healthy ? result : throw new GrantStateUnavailableException("not yet");
        })).Status.ShouldBe(HealthStatus.Healthy);
    }

    private static async Task ShouldBeUnavailableQuickly(GrantKey key, Func<Task> operation)
    {
        var started = Stopwatch.GetTimestamp();
        var ex = await Should.ThrowAsync<GrantStateUnavailableException>(() => operation().WaitAsync(TimeSpan.FromSeconds(30)));
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(Quickly);
        ex.Message.ShouldNotContain(key.Value);
    }

    /// <summary>Retries <paramref name="operation"/> while the state is still unavailable (the client reconnects in the background).</summary>
    private static async Task<T> WhenBack<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (GrantStateUnavailableException) when (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }
}
