using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

public sealed class InMemoryReplayWindowTests : ReplayWindowContract
{
    private protected override IReplayWindow Create(TimeProvider time) => new InMemoryReplayWindow(time);

    [Fact]
    public async Task Expired_claims_nobody_touches_are_swept_by_later_claims()
    {
        var window = new InMemoryReplayWindow(Time);
        var live = NewProof();
        (await window.TryClaimAsync(live, In(TimeSpan.FromHours(1)), Ct)).ShouldBeTrue();
        for (var i = 0; i < 100; i++)
            (await window.TryClaimAsync(NewProof(), In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeTrue();
        window.Count.ShouldBe(101);
        Time.Advance(TimeSpan.FromSeconds(30));

        for (var i = 0; i < 5_000; i++)   // more than one sweep's worth of claims, each refused (already over)
            (await window.TryClaimAsync(NewProof(), Time.GetUtcNow(), Ct)).ShouldBeFalse();

        window.Count.ShouldBe(1);
        (await window.TryClaimAsync(live, In(TimeSpan.FromHours(1)), Ct)).ShouldBeFalse();   // the live claim survived
    }

    [Fact]
    public async Task Claims_racing_sweeps_still_have_exactly_one_winner()
    {
        var window = new InMemoryReplayWindow(Time);
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeTrue();
        for (var i = 0; i < 1_000; i++)
            await window.TryClaimAsync(NewProof(), In(TimeSpan.FromSeconds(1)), Ct);
        Time.Advance(TimeSpan.FromSeconds(1));   // every claim so far expired: sweeps remove them while the race runs

        var outcomes = await Race(400, async i =>
        {
            if (i % 2 == 1)
            {
                for (var c = 0; c < 50; c++)   // churn: 10,000 claims in all, a few sweeps among the claims of id
                    await window.TryClaimAsync(NewProof(), Time.GetUtcNow(), Ct);
                return false;
            }
            return await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct);
        });

        outcomes.Count(o => o).ShouldBe(1);
    }
}
