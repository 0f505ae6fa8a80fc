using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Grants.State;
using Secrets.Testing;
using StackExchange.Redis;

namespace Secrets.Grants.Tests.State;

/// <summary>The contract on Redis (Garnet in process), where each window made is another node on the same Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisReplayWindowTests(RedisServer redis) : ReplayWindowContract
{
    /// <summary>The bound on a dead Redis's answer: the 3 s command timeout and some slack (with no connection it is immediate).</summary>
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(6);

    private ConnectionMultiplexer? admin;

    private protected override IReplayWindow Create(TimeProvider time) => RedisReplayWindow.Connect(redis.ConnectionString, time);

    private ConnectionMultiplexer Admin => admin ??= ConnectionMultiplexer.Connect(redis.AdminConnectionString);

    private IDatabase Db => Admin.GetDatabase();

    private IServer Server => Admin.GetServers()[0];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (admin is not null)
            await admin.DisposeAsync();
    }

    [Fact]
    public async Task Two_nodes_racing_200_claims_have_exactly_one_winner()
    {
        var nodes = new[] { NewWindow(), NewWindow() };
        var id = NewProof();

        var claims = await Race(200, i => nodes[i % 2].TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct));

        claims.Count(c => c).ShouldBe(1);
    }

    [Fact]
    public async Task A_claim_on_one_node_is_a_replay_on_the_other_until_it_expires()
    {
        var (a, b) = (NewWindow(), NewWindow());
        var id = NewProof();

        (await a.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeTrue();
        (await b.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeFalse();

        Time.Advance(TimeSpan.FromSeconds(30));
        (await b.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeTrue();
        (await a.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Key_holds_the_digest_and_the_expiry_and_redis_drops_it_only_after_the_logical_expiry()
    {
        var window = NewWindow();
        var id = NewProof();
        var until = In(TimeSpan.FromSeconds(300));

        (await window.TryClaimAsync(id, until, Ct)).ShouldBeTrue();

        RedisKey key = $"secrets:replay:{{{id.Digest}}}";
        (await Db.KeyTypeAsync(key)).ShouldBe(RedisType.String);
        ((long)await Db.StringGetAsync(key)).ShouldBe(until.ToUnixTimeMilliseconds());
        var ttl = await Db.KeyTimeToLiveAsync(key);
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeInRange(TimeSpan.FromSeconds(301), TimeSpan.FromSeconds(360));
    }

    [Fact]
    public async Task Stored_keys_and_values_contain_no_client_text()
    {
        var window = NewWindow();
        var jkt = "jkt-canary-" + Guid.NewGuid().ToString("N");
        var jti = "jti-canary-" + Guid.NewGuid().ToString("N");
        var grant = new GrantKey(new string('a', 64));
        ReplayId[] ids = [ReplayId.ForDpopProof(jkt, jti), ReplayId.ForTokenForGrant(grant, "dpop:" + jkt, jti)];
        foreach (var id in ids)
            (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();

        var keys = new List<RedisKey>();
        await foreach (var key in Server.KeysAsync(pattern: "secrets:replay:*"))
            keys.Add(key);

        foreach (var id in ids)
            keys.ShouldContain((RedisKey)$"secrets:replay:{{{id.Digest}}}");
        foreach (var key in keys)
        {
            ((string)key!).ShouldMatch("^secrets:replay:\\{[0-9a-f]{64}\\}$");
            ((string)key!).ShouldNotContain("canary");
            ((string?)await Db.StringGetAsync(key)).ShouldNotBeNull().ShouldNotContain("canary");
        }
    }

    [Fact]
    public async Task Script_is_loaded_again_after_the_script_cache_is_flushed()
    {
        var window = NewWindow();
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();
        await Server.ScriptLoadAsync("return 1");

        await Server.ScriptFlushAsync();

        (await Server.ScriptExistsAsync("return 1")).ShouldBeFalse();   // the flush did empty the script cache
        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeFalse();
        await Server.ScriptFlushAsync();
        (await window.TryClaimAsync(NewProof(), In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_foreign_value_under_a_replay_key_is_unavailable_not_a_claim()
    {
        // A value that is not an expiry. (A key of another type is a WRONGTYPE error in Redis; Garnet
        // keeps hashes apart from strings, so that case is not checked here.)
        var window = NewWindow();
        var id = NewProof();
        RedisKey key = $"secrets:replay:{{{id.Digest}}}";
        await Db.StringSetAsync(key, "not a number");

        var ex = await Should.ThrowAsync<GrantStateUnavailableException>(() => window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct).AsTask());

        ex.Message.ShouldNotContain(id.Digest.ToString());
        ((string?)await Db.StringGetAsync(key)).ShouldBe("not a number");   // left alone
    }

    [Fact]
    public async Task Claims_fail_closed_and_quickly_while_redis_is_down_and_work_again_when_it_is_back()
    {
        using var own = new RedisServer();
        await using var window = RedisReplayWindow.Connect(own.ConnectionString, Time);
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();

        own.Stop();

        var started = Stopwatch.GetTimestamp();
        var down = await Should.ThrowAsync<GrantStateUnavailableException>(
            () => window.TryClaimAsync(NewProof(), In(TimeSpan.FromMinutes(5)), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(Quickly);
        down.Message.ShouldNotContain(id.Digest.ToString());

        own.Start();   // empty, as a restarted Redis without persistence: the script is loaded again
        var back = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();
                break;
            }
            catch (GrantStateUnavailableException) when (Stopwatch.GetElapsedTime(back) < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Connect_returns_while_nothing_listens_and_claims_then_fail_closed()
    {
        var port = LoopbackPorts.Unused();
        var started = Stopwatch.GetTimestamp();

        await using var window = RedisReplayWindow.Connect($"127.0.0.1:{port}", Time);

        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(15));
        started = Stopwatch.GetTimestamp();
        await Should.ThrowAsync<GrantStateUnavailableException>(
            () => window.TryClaimAsync(NewProof(), In(TimeSpan.FromMinutes(5)), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(Quickly);
    }

    [Fact]
    public async Task Grant_state_and_replay_window_share_one_connection_that_neither_disposes()
    {
        await using var connection = RedisConnection.Connect(redis.ConnectionString);
        var grants = new RedisGrantState(connection, Time);
        var replays = new RedisReplayWindow(connection, Time);

        await replays.DisposeAsync();
        await grants.DisposeAsync();

        (await replays.TryClaimAsync(NewProof(), In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();
        (await grants.TryUseAsync(new GrantKey(new string('b', 64)), null, Ct)).ShouldBe(GrantUse.Miss);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GrantsModule_registers_one_redis_connection_with_REDIS_URL_and_memory_without(bool withRedis)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (withRedis)
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = redis.ConnectionString });

        builder.AddGrantsModule();
        await using var services = builder.Services.BuildServiceProvider();

        builder.Services.Count(d => d.ServiceType == typeof(RedisConnection)).ShouldBe(withRedis ? 1 : 0);
        var replays = services.GetRequiredService<IReplayWindow>();
        var grants = services.GetRequiredService<IGrantState>();
        if (withRedis)
        {
            replays.ShouldBeOfType<RedisReplayWindow>();
            grants.ShouldBeOfType<RedisGrantState>();
        }
        else
        {
            replays.ShouldBeOfType<InMemoryReplayWindow>();
            grants.ShouldBeOfType<InMemoryGrantState>();
        }
        services.GetRequiredService<IReplayWindow>().ShouldBeSameAs(replays);
        (await replays.TryClaimAsync(NewProof(), DateTimeOffset.UtcNow.AddMinutes(5), Ct)).ShouldBeTrue();
    }
}
