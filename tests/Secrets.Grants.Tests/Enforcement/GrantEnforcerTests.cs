using System.Diagnostics.Metrics;
using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>The PEP (docs/AUTHORIZATION.md#enforcement): grants, use counting, expiry, the negative cache, binding, fail-closed paths and audits.</summary>
public sealed class GrantEnforcerTests
{
    private const string Db = "openbao+kv2://secret/app/db";
    private static readonly SenderBinding KeyA = new(SenderBindingKind.Dpop, "jkt-a");
    private static readonly SenderBinding KeyB = new(SenderBindingKind.Dpop, "jkt-b");
    private static readonly SenderBinding Cert = new(SenderBindingKind.Mtls, "x5t-c");

    private static AccessVerdict Permit(int? ttl = null, int? maxUses = null, string? binding = null, string? id = null) =>
        new(true, id, ttl, maxUses, binding, "ok");

    [Fact]
    public async Task Without_enforcement_every_use_is_permitted_with_default_obligations_and_the_pdp_is_never_asked()
    {
        await using var pep = new PepHarness(new() { ["ENABLE_AUTHORIZATION"] = "false", ["GRANT_TTL_DEFAULT"] = "120", ["GRANT_MAX_USES_DEFAULT"] = "3" });
        var first = await pep.AuthorizeAsync(Db);
        var second = await pep.AuthorizeAsync(Db);

        first.Permitted.ShouldBeTrue();
        first.Obligations.ShouldBe(new Obligations(120, 3, null));
        first.DecisionId.ShouldStartWith("dec_");
        second.DecisionId.ShouldNotBe(first.DecisionId);
        pep.Pdp.Calls.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Enforcement_is_on_by_default_outside_dev()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => AccessVerdict.Deny("no rule");
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeFalse();
        pep.Pdp.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_permit_becomes_a_grant_whose_uses_are_counted_down_then_a_fresh_decision_is_taken()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 3, id: "dec_pdp");

        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var decision = await pep.AuthorizeAsync(Db);
            decision.Permitted.ShouldBeTrue();
            decision.DecisionId.ShouldBe("dec_pdp");
            remaining.Add(decision.RemainingUses);
        }
        remaining.ShouldBe([2, 1, 0]);
        pep.Pdp.Calls.Count.ShouldBe(1);

        (await pep.AuthorizeAsync(Db)).RemainingUses.ShouldBe(2);
        pep.Pdp.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Absent_or_out_of_range_obligations_take_the_defaults()
    {
        await using var pep = new PepHarness(new() { ["GRANT_TTL_DEFAULT"] = "90", ["GRANT_MAX_USES_DEFAULT"] = "2" });
        pep.Pdp.Decide = ask => ask.Question.Uri.Path.EndsWith("zero", StringComparison.Ordinal) ? Permit(ttl: 0, maxUses: 0) : Permit();

        (await pep.AuthorizeAsync(Db)).Obligations.ShouldBe(new Obligations(90, 2, null));
        (await pep.AuthorizeAsync("openbao+kv2://secret/zero")).Obligations.ShouldBe(new Obligations(90, 2, null));
    }

    [Fact]
    public async Task A_grant_expires_after_its_ttl()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(ttl: 60, maxUses: 100);

        await pep.AuthorizeAsync(Db);
        pep.Time.Advance(TimeSpan.FromSeconds(59));
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();
        pep.Pdp.Calls.Count.ShouldBe(1);

        pep.Time.Advance(TimeSpan.FromSeconds(2));
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();
        pep.Pdp.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_deny_is_cached_for_the_negative_cache_ttl_then_asked_again()
    {
        await using var pep = new PepHarness(new() { ["NEGATIVE_CACHE_TTL_S"] = "5" });
        pep.Pdp.Decide = _ => new AccessVerdict(false, "dec_no", null, null, null, "no");

        var first = await pep.AuthorizeAsync(Db);
        var cached = await pep.AuthorizeAsync(Db);
        first.Refusal?.Code.Value.ShouldBe("SECRET_AUTHZ_FAILED");
        cached.Refusal?.Code.Value.ShouldBe("SECRET_AUTHZ_FAILED");
        cached.DecisionId.ShouldBe("dec_no");
        pep.Pdp.Calls.Count.ShouldBe(1);

        pep.Time.Advance(TimeSpan.FromSeconds(6));
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeFalse();
        pep.Pdp.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_permit_after_a_deny_clears_the_negative_cache_once_it_expires()
    {
        await using var pep = new PepHarness(new() { ["NEGATIVE_CACHE_TTL_S"] = "5" });
        pep.Pdp.Decide = _ => AccessVerdict.Deny("no");
        await pep.AuthorizeAsync(Db);

        pep.Pdp.Decide = _ => Permit(maxUses: 10);
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeFalse();        // still cached: policy changes wait for it
        pep.Time.Advance(TimeSpan.FromSeconds(5));
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();
    }

    [Fact]
    public async Task With_the_negative_cache_off_every_deny_asks_the_pdp()
    {
        await using var pep = new PepHarness(new() { ["NEGATIVE_CACHE_TTL_S"] = "0" });
        pep.Pdp.Decide = _ => AccessVerdict.Deny("no");
        for (var i = 0; i < 3; i++)
            (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeFalse();
        pep.Pdp.Calls.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Grants_are_per_subject_purpose_and_uri()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 10);

        await pep.AuthorizeAsync(Db);
        await pep.AuthorizeAsync(Db, caller: PepHarness.Caller("bob"));
        await pep.AuthorizeAsync(Db, Purpose.ReadMetadata);
        await pep.AuthorizeAsync(Db + "#password");
        await pep.AuthorizeAsync(Db);
        pep.Pdp.Calls.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Grants_are_per_tenant()
    {
        var state = new InMemoryGrantState(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        await using var t1 = new PepHarness(new() { ["TENANT_ID"] = "t1" }, _ => state);
        await using var t2 = new PepHarness(new() { ["TENANT_ID"] = "t2" }, _ => state);
        t1.Pdp.Decide = _ => Permit(maxUses: 10);
        t2.Pdp.Decide = _ => Permit(maxUses: 10);

        await t1.AuthorizeAsync(Db);
        await t2.AuthorizeAsync(Db);
        await t1.AuthorizeAsync(Db);
        (t1.Pdp.Calls.Count, t2.Pdp.Calls.Count).ShouldBe((1, 1));
    }

    [Fact]
    public async Task A_changed_binding_during_the_grant_is_denied_and_takes_no_use()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 3, id: "dec_bound");

        (await pep.AuthorizeAsync(Db, caller: PepHarness.Caller(binding: KeyA))).RemainingUses.ShouldBe(2);
        var drift = await pep.AuthorizeAsync(Db, caller: PepHarness.Caller(binding: KeyB));
        drift.Permitted.ShouldBeFalse();
        drift.Refusal?.Code.Value.ShouldBe("BINDING_DENIED");
        drift.DecisionId.ShouldBe("dec_bound");
        (await pep.AuthorizeAsync(Db, caller: PepHarness.Caller(binding: KeyA))).RemainingUses.ShouldBe(1);

        drift.Refusal!.Status.ShouldBe(401);
        drift.Refusal.Headers.ShouldContain(h => h.Key == "WWW-Authenticate" && h.Value.StartsWith("DPoP error=\"invalid_token\"", StringComparison.Ordinal));
        pep.Pdp.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Losing_or_gaining_a_binding_mid_grant_is_drift_too()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 5);
        await pep.AuthorizeAsync(Db, caller: PepHarness.Caller(binding: KeyA));
        (await pep.AuthorizeAsync(Db, caller: PepHarness.Caller())).Refusal?.Code.Value.ShouldBe("BINDING_DENIED");

        await pep.AuthorizeAsync("openbao+kv2://secret/other", caller: PepHarness.Caller());
        (await pep.AuthorizeAsync("openbao+kv2://secret/other", caller: PepHarness.Caller(binding: Cert))).Refusal?.Code.Value.ShouldBe("BINDING_DENIED");
    }

    [Theory]
    [InlineData("dpop", null, false)]
    [InlineData("dpop", "dpop", true)]
    [InlineData("dpop", "mtls", false)]
    [InlineData("mtls", "mtls", true)]
    [InlineData("mtls", "dpop", false)]
    [InlineData("any", null, false)]
    [InlineData("any", "dpop", true)]
    [InlineData("any", "mtls", true)]
    [InlineData("hardware", "dpop", false)]
    public async Task The_require_binding_obligation_is_enforced(string required, string? callerBinding, bool permitted)
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 5, binding: required);
        var binding = callerBinding switch { "dpop" => KeyA, "mtls" => Cert, _ => null };

        var decision = await pep.AuthorizeAsync(Db, caller: PepHarness.Caller(binding: binding));

        decision.Permitted.ShouldBe(permitted);
        if (permitted)
            decision.Obligations.RequireBinding.ShouldBe(required);
        else
        {
            decision.Refusal?.Code.Value.ShouldBe("BINDING_DENIED");
            decision.Refusal!.Headers.ShouldContain(h => h.Key == "WWW-Authenticate");
        }
    }

    [Fact]
    public async Task An_unavailable_pdp_denies_with_503_and_is_not_cached()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Unavailable = true;

        var decision = await pep.AuthorizeAsync(Db);
        decision.Permitted.ShouldBeFalse();
        decision.Refusal?.Code.Value.ShouldBe("PDP_UNAVAILABLE");
        decision.Refusal!.Status.ShouldBe(503);
        decision.Refusal.RetryAfterSeconds.ShouldBe(1);

        pep.Pdp.Unavailable = false;
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();
    }

    [Fact]
    public async Task Callers_waiting_on_a_decision_the_pdp_could_not_make_share_the_refusal_instead_of_asking_one_after_another()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Unavailable = true;
        pep.Pdp.Latency = TimeSpan.FromSeconds(1);   // a PDP that does not answer within its timeout
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => pep.AuthorizeAsync(Db))));

        decisions.ShouldAllBe(d => !d.Permitted && d.Refusal!.Code == ErrorCode.PdpUnavailable && d.Refusal.RetryAfterSeconds == 1);
        pep.Pdp.Calls.Count.ShouldBeLessThanOrEqualTo(2);          // one leader asked (a late starter may lead a second flight)
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));   // not ten timeouts in a row
        decisions.Select(d => d.DecisionId).Distinct().Count().ShouldBe(10);

        pep.Pdp.Unavailable = false;
        pep.Pdp.Latency = TimeSpan.Zero;
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();   // nothing of the outage was cached
    }

    [Fact]
    public async Task Resource_attributes_are_read_server_side_and_given_to_the_pdp()
    {
        await using var pep = new PepHarness();
        pep.Attributes.Read = _ => new ResourceAttributes("alice", "bob", null);
        pep.Pdp.Decide = ask => ask.Question.Attributes.Owner == ask.Caller.Subject ? Permit() : AccessVerdict.Deny("not owner");

        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();
        (await pep.AuthorizeAsync(Db, caller: PepHarness.Caller("mallory"))).Permitted.ShouldBeFalse();
        pep.Pdp.Calls.First().Questions.ShouldHaveSingleItem().Question.Attributes.CreatedBy.ShouldBe("bob");
    }

    [Fact]
    public async Task A_failed_attribute_read_refuses_with_the_providers_problem_whole_without_asking_the_pdp()
    {
        await using var pep = new PepHarness();
        var unavailable = new SecretsProblem(ErrorCode.ProviderUnavailable, TimeSpan.FromSeconds(7));
        pep.Attributes.Read = _ => throw unavailable;

        var decision = await pep.AuthorizeAsync(Db);
        decision.Permitted.ShouldBeFalse();
        decision.Refusal.ShouldBeSameAs(unavailable);            // status, code, detail and Retry-After as the provider said
        decision.Refusal!.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
        pep.Pdp.Calls.Count.ShouldBe(0);

        pep.Attributes.Read = _ => ResourceAttributes.None;
        (await pep.AuthorizeAsync(Db)).Permitted.ShouldBeTrue();          // nothing was cached from the failure
    }

    [Fact]
    public async Task A_pdp_without_decision_id_gets_one_from_the_pep()
    {
        await using var pep = new PepHarness();
        (await pep.AuthorizeAsync(Db)).DecisionId.ShouldMatch("^dec_[0-9a-f]{32}$");
    }

    [Fact]
    public async Task The_pdp_sees_the_caller_and_the_tenant_context()
    {
        await using var pep = new PepHarness();
        var caller = PepHarness.Caller(binding: KeyA) with { Audiences = ["crud.secrets"] };
        await pep.AuthorizeAsync(Db, Purpose.Read, caller);

        var asked = pep.Pdp.Calls.ShouldHaveSingleItem().Questions.ShouldHaveSingleItem();
        asked.Caller.ShouldBe(caller);
        asked.Question.Purpose.ShouldBe(Purpose.Read);
    }

    [Fact]
    public async Task Exactly_max_uses_succeed_when_the_pdp_permits_once_and_then_denies()
    {
        await using var pep = new PepHarness();
        pep.Pdp.PermitOnceThenDeny(maxUses: 5);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => pep.AuthorizeAsync(Db))));

        decisions.Count(d => d.Permitted).ShouldBe(5);
        decisions.Where(d => d.Permitted).Select(d => d.RemainingUses).Order().ShouldBe([0, 1, 2, 3, 4]);
    }

    [Fact]
    public async Task A_pdp_that_always_permits_five_uses_is_asked_exactly_once_per_five_uses()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 5);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => pep.AuthorizeAsync(Db))));

        decisions.ShouldAllBe(d => d.Permitted);
        pep.Pdp.Questions.ShouldBe(40);
    }

    [Fact]
    public async Task A_copy_batch_asks_once_with_deny_on_first_deny_and_a_required_deny_denies_the_batch()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = ask => ask.Question.Purpose == Purpose.Write ? AccessVerdict.Deny("read only") : Permit(maxUses: 5);

        var result = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Read), new SecretUse(PepHarness.Uri("openbao+kv2://secret/copy"), Purpose.Write));

        var call = pep.Pdp.Calls.ShouldHaveSingleItem();
        call.Semantic.ShouldBe(EvaluationSemantic.DenyOnFirstDeny);
        call.Questions.Select(q => q.Question.Purpose).ShouldBe([Purpose.Read, Purpose.Write]);
        result.Permitted.ShouldBeFalse();
        result.FirstDeny.ShouldBe(result.Decisions[1]);
        result.Decisions[0].Permitted.ShouldBeTrue();
    }

    [Fact]
    public async Task Optional_uses_are_asked_with_execute_all_and_deny_only_themselves()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = ask => ask.Question.Purpose == Purpose.Delete ? AccessVerdict.Deny("no") : Permit();

        var result = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Write, Required: false),
            new SecretUse(PepHarness.Uri(Db), Purpose.Delete, Required: false),
            new SecretUse(PepHarness.Uri("openbao+kv2://secret/x"), Purpose.Write, Required: false));

        pep.Pdp.Calls.ShouldHaveSingleItem().Semantic.ShouldBe(EvaluationSemantic.ExecuteAll);
        result.Permitted.ShouldBeTrue();
        result.Decisions.Select(d => d.Permitted).ShouldBe([true, false, true]);
    }

    [Fact]
    public async Task A_mixed_batch_is_denied_only_by_its_required_uses()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = ask => ask.Question.Purpose == Purpose.Read ? AccessVerdict.Deny("no") : Permit();

        var result = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Rotate),
            new SecretUse(PepHarness.Uri(Db), Purpose.Read, Required: false));

        pep.Pdp.Calls.ShouldHaveSingleItem().Semantic.ShouldBe(EvaluationSemantic.ExecuteAll);
        result.Permitted.ShouldBeTrue();
        result.Decisions[1].Permitted.ShouldBeFalse();
    }

    [Fact]
    public async Task A_batch_answers_what_the_grant_cache_holds_and_asks_only_for_the_rest()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => Permit(maxUses: 10);
        await pep.AuthorizeAsync(Db, Purpose.Read);

        var result = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Read), new SecretUse(PepHarness.Uri("openbao+kv2://secret/dest"), Purpose.Write));

        result.Permitted.ShouldBeTrue();
        result.Decisions[0].RemainingUses.ShouldBe(8);
        pep.Pdp.Calls.Last().Questions.ShouldHaveSingleItem().Question.Purpose.ShouldBe(Purpose.Write);
    }

    [Fact]
    public async Task A_short_pdp_answer_counts_the_missing_items_as_denies()
    {
        await using var pep = new PepHarness();
        pep.Pdp.Decide = _ => AccessVerdict.Deny("not evaluated");

        var result = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Read), new SecretUse(PepHarness.Uri("openbao+kv2://secret/b"), Purpose.Write));

        result.Permitted.ShouldBeFalse();
        result.Decisions.ShouldAllBe(d => !d.Permitted);
    }

    [Fact]
    public async Task Uses_a_short_circuited_batch_left_out_are_denied_but_not_cached()
    {
        await using var pep = new PepHarness(new() { ["NEGATIVE_CACHE_TTL_S"] = "60" });
        pep.Pdp.Decide = ask => ask.Question.Purpose == Purpose.Read ? AccessVerdict.Deny("no") : AccessVerdict.NotEvaluated;

        var copy = await pep.AuthorizeAllAsync(null,
            new SecretUse(PepHarness.Uri(Db), Purpose.Read), new SecretUse(PepHarness.Uri("openbao+kv2://secret/dest"), Purpose.Write));
        copy.Decisions.ShouldAllBe(d => !d.Permitted);

        pep.Pdp.Decide = _ => Permit();
        (await pep.AuthorizeAsync("openbao+kv2://secret/dest", Purpose.Write)).Permitted.ShouldBeTrue();   // not from the negative cache
        (await pep.AuthorizeAsync(Db, Purpose.Read)).Permitted.ShouldBeFalse();                            // this one was decided
    }

    [Fact]
    public async Task An_unreachable_grant_store_fails_closed_with_503()
    {
        await using var pep = new PepHarness(state: _ => new UnreachableGrantState());

        var decision = await pep.AuthorizeAsync(Db);

        decision.Permitted.ShouldBeFalse();
        decision.Refusal?.Code.Value.ShouldBe("GRANT_STATE_UNAVAILABLE");
        ErrorCode.FromValue(decision.Refusal?.Code.Value!).Status.ShouldBe(503);
        pep.Pdp.Calls.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Decisions_and_grant_cache_hits_and_misses_are_counted()
    {
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Name && instrument.Name.StartsWith("secrets_", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var name = instrument.Name;
            foreach (var tag in tags)
                name += $"{{{tag.Key}={tag.Value}}}";
            lock (counts)
                counts[name] = counts.GetValueOrDefault(name) + value;
        });
        listener.Start();

        await using var pep = new PepHarness(new() { ["TENANT_ID"] = "metrics-tenant" });
        pep.Pdp.Decide = ask => ask.Question.Purpose == Purpose.Read ? Permit(maxUses: 3) : AccessVerdict.Deny("no");
        for (var i = 0; i < 3; i++)
            await pep.AuthorizeAsync("openbao+kv2://secret/metrics", Purpose.Read);   // miss, hit, hit
        for (var i = 0; i < 2; i++)
            await pep.AuthorizeAsync("openbao+kv2://secret/metrics", Purpose.Write);  // miss, hit (cached deny)

        lock (counts)
        {
            counts.GetValueOrDefault("secrets_decisions_total{effect=permit}").ShouldBeGreaterThanOrEqualTo(3);
            counts.GetValueOrDefault("secrets_decisions_total{effect=deny}").ShouldBeGreaterThanOrEqualTo(2);
            counts.GetValueOrDefault("secrets_grant_cache_hits_total").ShouldBeGreaterThanOrEqualTo(3);
            counts.GetValueOrDefault("secrets_grant_cache_misses_total").ShouldBeGreaterThanOrEqualTo(2);
        }
    }

    private sealed class UnreachableGrantState : IGrantState
    {
        public ValueTask<GrantUse> TryUseAsync(GrantKey key, string? binding, CancellationToken ct) => throw new GrantStateUnavailableException("connection refused");
        public ValueTask<int> GrantAndUseAsync(GrantKey key, Grant grant, CancellationToken ct) => throw new GrantStateUnavailableException("connection refused");
        public ValueTask DenyAsync(GrantKey key, string decisionId, DateTimeOffset expiresAt, CancellationToken ct) => throw new GrantStateUnavailableException("connection refused");
        public ValueTask<IAsyncDisposable> LockAsync(GrantKey key, TimeSpan timeout, CancellationToken ct) => throw new GrantStateUnavailableException("connection refused");
    }
}
