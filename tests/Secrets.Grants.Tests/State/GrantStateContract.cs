using System.Security.Cryptography;
using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

/// <summary>
/// What every <see cref="IGrantState"/> does, in memory on one node or in Redis across many: the
/// InMemoryGrantState semantics are the reference. Each implementation's class provides only
/// <see cref="Create"/>. Time is a fake clock the state reads through its TimeProvider.
/// </summary>
public abstract class GrantStateContract : StoreContract
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>A fresh store over the same backing store as any other this test creates (another node, for Redis).</summary>
    private protected abstract IGrantState Create(TimeProvider time);

    private protected IGrantState NewState() => Track(Create(Time));

    private protected static GrantKey NewKey() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    private protected Grant NewGrant(int maxUses, int ttlSeconds = 60, string? binding = "dpop:jkt-a", string? requireBinding = null) =>
        new("dec-" + Guid.NewGuid().ToString("N"), ttlSeconds, maxUses, requireBinding, binding, Time.GetUtcNow().AddSeconds(ttlSeconds));

    [Fact]
    public async Task Unknown_key_is_a_miss()
    {
        var state = NewState();

        var use = await state.TryUseAsync(NewKey(), "dpop:jkt-a", Ct);

        use.ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Grant_is_used_until_exhausted_with_exact_remaining_counts()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 4);

        (await state.GrantAndUseAsync(key, grant, Ct)).ShouldBe(3);

        for (var left = 2; left >= 0; left--)
        {
            var use = await state.TryUseAsync(key, grant.Binding, Ct);
            use.Outcome.ShouldBe(GrantLookup.Used);
            use.RemainingUses.ShouldBe(left);
            use.DecisionId.ShouldBe(grant.DecisionId);
            use.Grant.ShouldBe(grant);
        }
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Grant_of_one_use_is_spent_by_GrantAndUse()
    {
        var state = NewState();
        var key = NewKey();

        (await state.GrantAndUseAsync(key, NewGrant(maxUses: 1), Ct)).ShouldBe(0);

        (await state.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(GrantUse.Miss);
    }

    [Theory]
    [InlineData("dpop:jkt-a", null)]
    [InlineData("mtls:x5t-b", "dpop")]
    [InlineData(null, null)]
    [InlineData("", "any")]
    [InlineData("dpop:jkt-a", "none")]
    public async Task Grant_comes_back_with_every_field(string? binding, string? requireBinding)
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 5, ttlSeconds: 120, binding, requireBinding);
        await state.GrantAndUseAsync(key, grant, Ct);

        var use = await state.TryUseAsync(key, binding, Ct);

        use.ShouldBe(new GrantUse(GrantLookup.Used, grant, 3, grant.DecisionId));
    }

    [Fact]
    public async Task Grant_lives_until_its_expiry_and_is_a_miss_from_then_on()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 10, ttlSeconds: 30);
        await state.GrantAndUseAsync(key, grant, Ct);

        Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        (await state.TryUseAsync(key, grant.Binding, Ct)).Outcome.ShouldBe(GrantLookup.Used);

        Time.Advance(TimeSpan.FromMilliseconds(1));   // now == ExpiresAt: expired
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);
        Time.Advance(TimeSpan.FromMinutes(5));
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Cached_deny_answers_until_it_expires()
    {
        var state = NewState();
        var key = NewKey();
        await state.DenyAsync(key, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);

        (await state.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(new GrantUse(GrantLookup.Denied, null, 0, "dec-deny"));
        (await state.TryUseAsync(key, null, Ct)).Outcome.ShouldBe(GrantLookup.Denied);   // a deny is for every binding

        Time.Advance(TimeSpan.FromSeconds(5));
        (await state.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Deny_replaces_a_live_grant()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 10);
        await state.GrantAndUseAsync(key, grant, Ct);

        await state.DenyAsync(key, "dec-deny", Time.GetUtcNow().AddSeconds(5), Ct);

        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(new GrantUse(GrantLookup.Denied, null, 0, "dec-deny"));
        Time.Advance(TimeSpan.FromSeconds(6));
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);   // the grant does not come back
    }

    [Fact]
    public async Task GrantAndUse_clears_a_cached_deny()
    {
        var state = NewState();
        var key = NewKey();
        await state.DenyAsync(key, "dec-deny", Time.GetUtcNow().AddSeconds(60), Ct);
        var grant = NewGrant(maxUses: 2);

        (await state.GrantAndUseAsync(key, grant, Ct)).ShouldBe(1);

        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, grant, 0, grant.DecisionId));
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);   // exhausted, and no deny behind it
    }

    [Fact]
    public async Task GrantAndUse_replaces_a_live_grant()
    {
        var state = NewState();
        var key = NewKey();
        await state.GrantAndUseAsync(key, NewGrant(maxUses: 100), Ct);
        var fresh = NewGrant(maxUses: 3, binding: "mtls:x5t-b");

        (await state.GrantAndUseAsync(key, fresh, Ct)).ShouldBe(2);

        (await state.TryUseAsync(key, "mtls:x5t-b", Ct)).ShouldBe(new GrantUse(GrantLookup.Used, fresh, 1, fresh.DecisionId));
    }

    [Theory]
    [InlineData("dpop:jkt-a", "dpop:jkt-b")]
    [InlineData("dpop:jkt-a", "mtls:jkt-a")]
    [InlineData("dpop:jkt-a", null)]
    [InlineData(null, "dpop:jkt-a")]
    [InlineData("", null)]
    [InlineData(null, "")]
    [InlineData(null, "0")]
    [InlineData("0", null)]
    public async Task Another_binding_is_drift_and_takes_no_use(string? granted, string? caller)
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 3, binding: granted);
        await state.GrantAndUseAsync(key, grant, Ct);

        for (var i = 0; i < 3; i++)
            (await state.TryUseAsync(key, caller, Ct)).ShouldBe(new GrantUse(GrantLookup.BindingDrift, grant, 2, grant.DecisionId));

        (await state.TryUseAsync(key, granted, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, grant, 1, grant.DecisionId));
        (await state.TryUseAsync(key, granted, Ct)).RemainingUses.ShouldBe(0);
        (await state.TryUseAsync(key, caller, Ct)).ShouldBe(GrantUse.Miss);   // exhausted: no drift any more
    }

    [Fact]
    public async Task Expired_grant_is_a_miss_for_another_binding_too()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 3, ttlSeconds: 10);
        await state.GrantAndUseAsync(key, grant, Ct);

        Time.Advance(TimeSpan.FromSeconds(10));

        (await state.TryUseAsync(key, "dpop:someone-else", Ct)).ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Max_uses_holds_exactly_when_200_callers_race()
    {
        var state = NewState();
        var key = NewKey();
        var grant = NewGrant(maxUses: 37);
        (await state.GrantAndUseAsync(key, grant, Ct)).ShouldBe(36);

        var uses = await Race(200, _ => state.TryUseAsync(key, grant.Binding, Ct));

        uses.Count(u => u.Outcome == GrantLookup.Used).ShouldBe(36);
        uses.Count(u => u.Outcome == GrantLookup.Miss).ShouldBe(200 - 36);
        uses.Where(u => u.Outcome == GrantLookup.Used).Select(u => u.RemainingUses).Order().ShouldBe(Enumerable.Range(0, 36));
        (await state.TryUseAsync(key, grant.Binding, Ct)).ShouldBe(GrantUse.Miss);
    }

    [Fact]
    public async Task Lock_holders_of_one_key_never_overlap()
    {
        var state = NewState();
        var key = NewKey();
        var inside = 0;
        var most = 0;
        var entries = 0;

        await Race(12, async _ =>
        {
            await using (await state.LockAsync(key, LongWait, Ct))
            {
                InterlockedMax(ref most, Interlocked.Increment(ref inside));
                await Task.Delay(2);
                Interlocked.Increment(ref entries);
                Interlocked.Decrement(ref inside);
            }
            return 0;
        });

        entries.ShouldBe(12);
        most.ShouldBe(1);
    }

    [Fact]
    public async Task Lock_of_another_key_does_not_wait()
    {
        var state = NewState();
        await using var held = await state.LockAsync(NewKey(), LongWait, Ct);

        var other = state.LockAsync(NewKey(), LongWait, Ct).AsTask();

        await using var got = await other.WaitAsync(Deadline);   // would take LongWait if it waited on the held key
    }

    [Fact]
    public async Task Lock_after_its_timeout_returns_a_holder_that_holds_nothing()
    {
        var state = NewState();
        var key = NewKey();
        var first = await state.LockAsync(key, LongWait, Ct);

        var late = await state.LockAsync(key, TimeSpan.FromMilliseconds(50), Ct).AsTask().WaitAsync(Deadline);
        late.ShouldNotBeNull();
        await late.DisposeAsync();   // releases nothing: the first holder still has the lock
        await late.DisposeAsync();

        await ShouldWaitFor(first, () => state.LockAsync(key, LongWait, Ct));
    }

    [Fact]
    public async Task Lock_wait_can_be_cancelled_and_the_lock_still_works()
    {
        var state = NewState();
        var key = NewKey();
        var first = await state.LockAsync(key, LongWait, Ct);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Should.ThrowAsync<OperationCanceledException>(() => state.LockAsync(key, LongWait, cancel.Token).AsTask().WaitAsync(Deadline));

        await ShouldWaitFor(first, () => state.LockAsync(key, LongWait, Ct));
        await using var again = await state.LockAsync(key, LongWait, Ct).AsTask().WaitAsync(Deadline);
    }

    [Fact]
    public async Task Lock_holder_can_be_disposed_twice()
    {
        var state = NewState();
        var key = NewKey();
        var first = await state.LockAsync(key, LongWait, Ct);
        await first.DisposeAsync();
        await first.DisposeAsync();

        var second = await state.LockAsync(key, LongWait, Ct).AsTask().WaitAsync(Deadline);

        await ShouldWaitFor(second, () => state.LockAsync(key, LongWait, Ct));   // the double dispose did not free the second
    }

    /// <summary>
    /// Starts <paramref name="enter"/> while <paramref name="holder"/> holds the lock, gives it time to
    /// run, releases the holder, and checks the waiter got in only after the release.
    /// </summary>
    private protected static async Task ShouldWaitFor(IAsyncDisposable holder, Func<ValueTask<IAsyncDisposable>> enter)
    {
        var released = 0;
        var waiter = Task.Run(async () =>
        {
            var got = await enter();
            var afterRelease = Volatile.Read(ref released) == 1;
            await got.DisposeAsync();
            return afterRelease;
        });
        await Task.WhenAny(waiter, Task.Delay(100));   // lets the waiter reach the lock; it must not get in
        Volatile.Write(ref released, 1);
        await holder.DisposeAsync();
        (await waiter.WaitAsync(Deadline)).ShouldBeTrue("the waiter got the lock while it was held");
    }


    private protected static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
