using System.Security.Cryptography;
using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

/// <summary>
/// What every <see cref="IReplayWindow"/> does, in memory on one node or in Redis across many: the
/// InMemoryReplayWindow semantics are the reference. Each implementation's class provides only
/// <see cref="Create"/>. Time is a fake clock the window reads through its TimeProvider.
/// </summary>
public abstract class ReplayWindowContract : StoreContract
{
    /// <summary>A fresh store over the same backing store as any other this test creates (another node, for Redis).</summary>
    private protected abstract IReplayWindow Create(TimeProvider time);

    private protected IReplayWindow NewWindow() => Track(Create(Time));

    /// <summary>A DPoP proof id with a random key thumbprint and jti, so tests on a shared Redis never meet.</summary>
    private protected static ReplayId NewProof() => ReplayId.ForDpopProof(Random("jkt"), Random("jti"));

    private protected static string Random(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private protected DateTimeOffset In(TimeSpan span) => Time.GetUtcNow() + span;

    [Fact]
    public async Task First_claim_is_accepted_and_every_later_one_is_a_replay()
    {
        var window = NewWindow();
        var id = NewProof();

        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();

        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeFalse();
        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Another_scope_key_grant_binding_or_jti_is_a_claim_of_its_own()
    {
        var window = NewWindow();
        var (jkt, jti) = (Random("jkt"), Random("jti"));
        var grant = new GrantKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        var otherGrant = new GrantKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        var until = In(TimeSpan.FromMinutes(5));
        ReplayId[] ids =
        [
            ReplayId.ForDpopProof(jkt, jti),
            ReplayId.ForDpopProof(Random("jkt"), jti),          // the same jti under another proof key
            ReplayId.ForDpopProof(jkt, Random("jti")),
            ReplayId.ForTokenForGrant(grant, "dpop:" + jkt, jti),   // the same jti in the other scope
            ReplayId.ForTokenForGrant(grant, "mtls:" + jkt, jti),
            ReplayId.ForTokenForGrant(grant, null, jti),
            ReplayId.ForTokenForGrant(otherGrant, "dpop:" + jkt, jti),
        ];

        foreach (var id in ids)
            (await window.TryClaimAsync(id, until, Ct)).ShouldBeTrue(id.ToString());
        foreach (var id in ids)
            (await window.TryClaimAsync(id, until, Ct)).ShouldBeFalse(id.ToString());
    }

    [Fact]
    public async Task Claim_lives_until_its_expiry_and_can_be_claimed_again_from_then_on()
    {
        var window = NewWindow();
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeTrue();

        Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeFalse();

        Time.Advance(TimeSpan.FromMilliseconds(1));   // now == expiry: expired
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeTrue();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(30)), Ct)).ShouldBeFalse();   // the new claim is live

        Time.Advance(TimeSpan.FromHours(2));          // long past: still claimable
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_replay_neither_extends_nor_shortens_the_live_claim()
    {
        var window = NewWindow();
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(10)), Ct)).ShouldBeTrue();

        (await window.TryClaimAsync(id, In(TimeSpan.FromHours(1)), Ct)).ShouldBeFalse();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeFalse();
        Time.Advance(TimeSpan.FromSeconds(5));
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeFalse();   // the first claim's 10 s hold

        Time.Advance(TimeSpan.FromSeconds(5));
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(10)), Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Claim_with_an_expiry_not_after_now_is_refused_and_stores_nothing()
    {
        var window = NewWindow();
        var id = NewProof();

        (await window.TryClaimAsync(id, Time.GetUtcNow(), Ct)).ShouldBeFalse();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(-1)), Ct)).ShouldBeFalse();
        (await window.TryClaimAsync(id, DateTimeOffset.MinValue, Ct)).ShouldBeFalse();

        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(5)), Ct)).ShouldBeTrue();   // nothing was stored
    }

    [Fact]
    public async Task Expiry_is_rounded_up_to_a_whole_millisecond()
    {
        var window = NewWindow();
        var id = NewProof();

        (await window.TryClaimAsync(id, Time.GetUtcNow().AddTicks(1), Ct)).ShouldBeTrue();   // 100 ns ahead: accepted

        Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - 1));
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeFalse();   // held to the whole millisecond
        Time.Advance(TimeSpan.FromTicks(1));
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(1)), Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Exactly_one_of_200_racing_claims_wins()
    {
        var window = NewWindow();
        var id = NewProof();

        var claims = await Race(200, _ => window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct));

        claims.Count(c => c).ShouldBe(1);
    }

    [Fact]
    public async Task Exactly_one_of_200_racing_claims_of_an_expired_id_wins()
    {
        var window = NewWindow();
        var id = NewProof();
        (await window.TryClaimAsync(id, In(TimeSpan.FromSeconds(10)), Ct)).ShouldBeTrue();
        Time.Advance(TimeSpan.FromSeconds(10));

        var claims = await Race(200, _ => window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct));

        claims.Count(c => c).ShouldBe(1);
    }

    [Fact]
    public async Task Many_ids_racing_each_have_exactly_one_winner()
    {
        var window = NewWindow();
        var ids = Enumerable.Range(0, 20).Select(_ => NewProof()).ToArray();

        var claims = await Race(400, i => window.TryClaimAsync(ids[i % ids.Length], In(TimeSpan.FromMinutes(5)), Ct));

        for (var k = 0; k < ids.Length; k++)
            claims.Where((_, i) => i % ids.Length == k).Count(c => c).ShouldBe(1);
    }

    [Fact]
    public async Task Cancelled_claim_throws_and_claims_nothing()
    {
        var window = NewWindow();
        var id = NewProof();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), cancel.Token).AsTask());

        (await window.TryClaimAsync(id, In(TimeSpan.FromMinutes(5)), Ct)).ShouldBeTrue();
    }
}
