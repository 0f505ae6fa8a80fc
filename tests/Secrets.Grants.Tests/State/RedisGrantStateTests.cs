using Secrets.Grants.State;
using Secrets.Testing;
using StackExchange.Redis;

namespace Secrets.Grants.Tests.State;

/// <summary>The contract on Redis (Garnet in process), where each state made is another node on the same Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisGrantStateTests(RedisServer redis) : GrantStateContract
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ConnectionMultiplexer? admin;

    private protected override IGrantState Create(TimeProvider time) => RedisGrantState.Connect(redis.ConnectionString, time);

    private IDatabase Db => (admin ??= ConnectionMultiplexer.Connect(redis.AdminConnectionString)).GetDatabase();

    private IServer Server => (admin ??= ConnectionMultiplexer.Connect(redis.AdminConnectionString)).GetServers()[0];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (admin is not null)
            await admin.DisposeAsync();
    }

    [Fact]
    public async Task Two_nodes_racing_share_max_uses_exactly()
    {
        var nodes = new[] { NewState(), NewState() };
        var key = NewKey();
        var grant = NewGrant(maxUses: 37);
        (await nodes[0].GrantAndUseAsync(key, grant, Ct)).ShouldBe(36);

        var uses = await Race(200, i => nodes[i % 2].TryUseAsync(key, grant.Binding, Ct));

        uses.Count(u => u.Outcome == GrantLookup.Used).ShouldBe(36);
        uses.Count(u => u.Outcome == GrantLookup.Miss).ShouldBe(164);
        uses.Where(u => u.Outcome == GrantLookup.Used).Select(u => u.RemainingUses).Order().ShouldBe(Enumerable.Range(0, 36));
    }

    [Fact]
    public async Task What_one_node_writes_the_other_sees()
    {
        var (a, b) = (NewState(), NewState());
        var key = NewKey();
        var grant = NewGrant(maxUses: 3, binding: null, requireBinding: "none");

        await a.GrantAndUseAsync(key, grant, Ct);
        (await b.TryUseAsync(key, null, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, grant, 1, grant.DecisionId));
        (await a.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(new GrantUse(GrantLookup.BindingDrift, grant, 1, grant.DecisionId));

        await b.DenyAsync(key, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);
        (await a.TryUseAsync(key, null, Ct)).ShouldBe(new GrantUse(GrantLookup.Denied, null, 0, "dec-deny"));
    }

    [Fact]
    public async Task Lock_holders_on_two_nodes_never_overlap()
    {
        var nodes = new[] { NewState(), NewState() };
        var key = NewKey();
        var inside = 0;
        var most = 0;
        var entries = 0;

        await Race(16, async i =>
        {
            await using (await nodes[i % 2].LockAsync(key, LongWait, Ct))
            {
                InterlockedMax(ref most, Interlocked.Increment(ref inside));
                await Task.Delay(2);
                Interlocked.Increment(ref entries);
                Interlocked.Decrement(ref inside);
            }
            return 0;
        });

        entries.ShouldBe(16);
        most.ShouldBe(1);
    }

    [Fact]
    public async Task Lock_held_on_one_node_makes_the_other_wait_and_then_go_ahead_without_it()
    {
        var (a, b, c) = (NewState(), NewState(), NewState());
        var key = NewKey();
        var held = await a.LockAsync(key, LongWait, Ct);
        var token = await Db.StringGetAsync(LockKey(key));
        token.IsNull.ShouldBeFalse();

        var late = await b.LockAsync(key, TimeSpan.FromMilliseconds(100), Ct).AsTask().WaitAsync(Deadline);
        await late.DisposeAsync();

        (await Db.StringGetAsync(LockKey(key))).ShouldBe(token);   // still the first holder's
        await ShouldWaitFor(held, () => c.LockAsync(key, LongWait, Ct));
        (await Db.KeyExistsAsync(LockKey(key))).ShouldBeFalse();
    }

    [Fact]
    public async Task Lock_of_a_crashed_node_lapses_with_its_lease()
    {
        var crashed = (RedisGrantState)NewState();
        var key = NewKey();
        _ = await crashed.LockAsync(key, TimeSpan.FromMilliseconds(200), Ct);   // lease: the 1 s minimum
        await crashed.DisposeAsync();                                             // gone without releasing
        (await Db.KeyExistsAsync(LockKey(key))).ShouldBeTrue();

        await using var next = await NewState().LockAsync(key, LongWait, Ct).AsTask().WaitAsync(Deadline);

        (await Db.KeyExistsAsync(LockKey(key))).ShouldBeTrue();   // taken by the next node, not given up on
    }

    [Fact]
    public async Task Keys_share_a_hash_tag_and_expire_in_redis_after_their_logical_expiry()
    {
        var state = NewState();
        var key = NewKey();
        await state.GrantAndUseAsync(key, NewGrant(maxUses: 3, ttlSeconds: 60), Ct);
        var other = NewKey();
        await state.DenyAsync(other, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);
        await using (await state.LockAsync(key, TimeSpan.FromSeconds(3), Ct))
        {
            var lockTtl = await Db.KeyTimeToLiveAsync(LockKey(key));
            lockTtl.ShouldNotBeNull();
            lockTtl.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        }

        (await Db.KeyTypeAsync($"secrets:grant:{{{key.Value}}}")).ShouldBe(RedisType.Hash);
        var grantTtl = await Db.KeyTimeToLiveAsync($"secrets:grant:{{{key.Value}}}");
        grantTtl.ShouldNotBeNull();
        grantTtl.Value.ShouldBeInRange(TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(120));
        var denyTtl = await Db.KeyTimeToLiveAsync($"secrets:deny:{{{other.Value}}}");
        denyTtl.ShouldNotBeNull();
        denyTtl.Value.ShouldBeInRange(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(65));
        (await Db.KeyExistsAsync($"secrets:grant:{{{other.Value}}}")).ShouldBeFalse();
        (await Db.KeyExistsAsync(LockKey(key))).ShouldBeFalse();
    }

    [Fact]
    public async Task Dead_grants_and_denies_are_removed_when_touched()
    {
        var state = NewState();
        var key = NewKey();
        await state.GrantAndUseAsync(key, NewGrant(maxUses: 1), Ct);
        var denied = NewKey();
        await state.DenyAsync(denied, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);
        Time.Advance(TimeSpan.FromSeconds(5));

        (await state.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(GrantUse.Miss);
        (await state.TryUseAsync(denied, "dpop:jkt-a", Ct)).ShouldBe(GrantUse.Miss);

        (await Db.KeyExistsAsync($"secrets:grant:{{{key.Value}}}")).ShouldBeFalse();
        (await Db.KeyExistsAsync($"secrets:deny:{{{denied.Value}}}")).ShouldBeFalse();
    }

    [Fact]
    public async Task Scripts_are_loaded_again_after_the_script_cache_is_flushed()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 5);
        await state.GrantAndUseAsync(key, grant, Ct);
        (await state.TryUseAsync(key, grant.Binding, Ct)).RemainingUses.ShouldBe(3);

        await Server.ScriptLoadAsync("return 1");

        await Server.ScriptFlushAsync();

        (await Server.ScriptExistsAsync("return 1")).ShouldBeFalse();   // the flush did empty the script cache
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, grant, 2, grant.DecisionId));
        await Server.ScriptFlushAsync();
        (await state.GrantAndUseAsync(key, grant, Ct)).ShouldBe(4);
        await Server.ScriptFlushAsync();
        await state.DenyAsync(key, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);
        (await state.TryUseAsync(key, grant.Binding, Ct)).Outcome.ShouldBe(GrantLookup.Denied);
    }

    [Fact]
    public async Task State_of_the_wrong_shape_is_unavailable_not_a_miss()
    {
        var state = NewState();
        var key = NewKey();
        await Db.StringSetAsync($"secrets:grant:{{{key.Value}}}", "not a hash");
        var half = NewKey();
        await Db.HashSetAsync($"secrets:grant:{{{half.Value}}}", [new("e", "99999999999999"), new("u", "3")]);   // fields missing

        var wrongType = await Should.ThrowAsync<GrantStateUnavailableException>(() => state.TryUseAsync(key, null, Ct).AsTask());
        var missingFields = await Should.ThrowAsync<GrantStateUnavailableException>(() => state.TryUseAsync(half, null, Ct).AsTask());

        wrongType.Message.ShouldNotContain(key.Value);
        missingFields.Message.ShouldNotContain(half.Value);
    }

    [Fact]
    public void Options_start_while_redis_is_down_fail_fast_and_keep_the_timeouts_REDIS_URL_names()
    {
        var defaults = RedisConnection.Options("redis.internal:6379,password=p");
        defaults.AbortOnConnectFail.ShouldBeFalse();
        defaults.IncludeDetailInExceptions.ShouldBeFalse();
        defaults.BacklogPolicy.ShouldBe(BacklogPolicy.FailFast);
        defaults.ConnectTimeout.ShouldBe(5000);
        defaults.SyncTimeout.ShouldBe(3000);
        defaults.AsyncTimeout.ShouldBe(3000);

        var named = RedisConnection.Options("redis.internal:6379,abortConnect=true,syncTimeout=5000, asyncTimeout=7000");
        named.AbortOnConnectFail.ShouldBeFalse();
        named.ConnectTimeout.ShouldBe(5000);
        named.SyncTimeout.ShouldBe(5000);
        named.AsyncTimeout.ShouldBe(7000);
    }

    private static RedisKey LockKey(GrantKey key) => $"secrets:lock:{{{key.Value}}}";
}
