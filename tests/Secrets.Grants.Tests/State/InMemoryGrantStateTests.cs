using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

public sealed class InMemoryGrantStateTests : GrantStateContract
{
    private protected override IGrantState Create(TimeProvider time) => new InMemoryGrantState(time);

    [Fact]
    public async Task Dead_entries_are_dropped_when_touched()
    {
        var state = new InMemoryGrantState(Time);
        var expired = NewKey();
        var exhausted = NewKey();
        var denied = NewKey();
        await state.GrantAndUseAsync(expired, NewGrant(maxUses: 5, ttlSeconds: 10), Ct);
        await state.GrantAndUseAsync(exhausted, NewGrant(maxUses: 1, ttlSeconds: 600), Ct);
        await state.DenyAsync(denied, "dec-deny", Time.GetUtcNow().AddSeconds(10), Ct);
        state.Count.ShouldBe(3);

        Time.Advance(TimeSpan.FromSeconds(10));
        foreach (var key in new[] { expired, exhausted, denied })
            (await state.TryUseAsync(key, "dpop:jkt-a", Ct)).ShouldBe(GrantUse.Miss);

        state.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Expired_grants_and_denies_nobody_touches_are_swept_by_later_writes()
    {
        var state = new InMemoryGrantState(Time);
        var live = NewKey();
        var liveGrant = NewGrant(maxUses: 3, ttlSeconds: 3600);
        await state.GrantAndUseAsync(live, liveGrant, Ct);
        for (var i = 0; i < 100; i++)
        {
            await state.GrantAndUseAsync(NewKey(), NewGrant(maxUses: 5, ttlSeconds: 30), Ct);
            await state.DenyAsync(NewKey(), "dec-deny", Time.GetUtcNow().AddSeconds(30), Ct);
        }
        state.Count.ShouldBe(201);
        Time.Advance(TimeSpan.FromSeconds(31));

        // Denies that are already over when written: each is one more write and one more dead entry.
        var writes = 0;
        while (state.Count > 2 && writes < 20_000)
        {
            await state.DenyAsync(NewKey(), "dec-deny", Time.GetUtcNow(), Ct);
            writes++;
        }

        state.Count.ShouldBeLessThanOrEqualTo(2);   // the live grant and at most the last write
        (await state.TryUseAsync(live, liveGrant.Binding, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, liveGrant, 1, liveGrant.DecisionId));
    }

    [Fact]
    public async Task Live_grants_and_denies_survive_a_sweep()
    {
        var state = new InMemoryGrantState(Time);
        var grantKey = NewKey();
        var denyKey = NewKey();
        var grant = NewGrant(maxUses: 2, ttlSeconds: 3600);
        await state.GrantAndUseAsync(grantKey, grant, Ct);
        await state.DenyAsync(denyKey, "dec-deny", Time.GetUtcNow().AddSeconds(3600), Ct);

        for (var i = 0; i < 10_000; i++)   // several sweeps' worth of writes
            await state.DenyAsync(NewKey(), "dec-other", Time.GetUtcNow(), Ct);

        (await state.TryUseAsync(grantKey, grant.Binding, Ct)).ShouldBe(new GrantUse(GrantLookup.Used, grant, 0, grant.DecisionId));
        (await state.TryUseAsync(denyKey, null, Ct)).ShouldBe(new GrantUse(GrantLookup.Denied, null, 0, "dec-deny"));
    }

    [Fact]
    public async Task Uses_racing_writes_and_sweeps_still_hold_max_uses()
    {
        var state = new InMemoryGrantState(Time);
        var key = NewKey();
        var grant = NewGrant(maxUses: 37);
        await state.GrantAndUseAsync(key, grant, Ct);

        var outcomes = await Race(400, async i =>
        {
            if (i % 2 == 1)
            {
                for (var w = 0; w < 50; w++)   // churn: 10,000 writes in all, a few sweeps among the uses
                    await state.DenyAsync(NewKey(), "dec-other", Time.GetUtcNow(), Ct);
                return GrantLookup.Miss;
            }
            return (await state.TryUseAsync(key, grant.Binding, Ct)).Outcome;
        });

        outcomes.Count(o => o == GrantLookup.Used).ShouldBe(36);
    }
}
