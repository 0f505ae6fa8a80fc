using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Logging;
using Secrets.Grants.Authentication;
using Secrets.Grants.Binding;
using Secrets.Grants.Contracts;
using Secrets.Grants.Listings;
using Secrets.Grants.State;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Enforcement;

/// <summary>
/// The PEP (docs/AUTHORIZATION.md). A use is answered from a live grant (one use taken atomically) or a
/// cached deny; otherwise one caller per grant in this process leads (the others wait for its decision
/// and look again together; when the leader could not decide, they share its refusal rather than queue up to
/// ask the same unavailable PDP or grant store one after another), takes the grant's decision lock (across nodes with Redis), reads the
/// resource attributes server-side and asks the PDP once for every open use, and each permit becomes a
/// grant bound to the caller's sender binding. Nothing fails open: an unreadable provider, PDP or grant
/// store refuses the use with its problem. The access pipeline audits every answer.
/// </summary>
internal sealed partial class GrantEnforcer(
    IMediator mediator, IGrantState state, IReplayWindow replays, GrantOptions options, AuthenticationOptions authentication,
    DpopOptions dpop, TenantContext tenant, TimeProvider time, ListingFilter listings, ILogger<GrantEnforcer> log) : IPolicyEnforcementPoint
{
    /// <summary>
    /// The decision each grant key is waiting for in this process (single flight): it ends with the leader's
    /// refusal when the leader could not decide (PDP or grant store unavailable), else with null.
    /// </summary>
    private readonly ConcurrentDictionary<GrantKey, TaskCompletionSource<SecretsProblem?>> inFlight = new();

    public async Task<AccessDecisions> AuthorizeAsync(IReadOnlyList<SecretUse> uses, Caller caller, ResourceAttributesReader attributes, CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity("pep.authorize");
        var decisions = new AccessDecision?[uses.Count];
        if (!options.Enforce)
        {
            await PermitAllAsync(uses, caller, decisions, ct);
        }
        else if (uses.Count > 0)
        {
            await EnforceAsync(uses, caller, attributes, decisions, ct);
        }

        AccessDecision? firstDeny = null;
        for (var i = 0; i < uses.Count; i++)
        {
            GrantMetrics.Decided(decisions[i]!.Permitted);
            if (firstDeny is null && uses[i].Required && !decisions[i]!.Permitted)
                firstDeny = decisions[i];
        }
        return new AccessDecisions(decisions!, firstDeny is null, firstDeny);
    }

    private Obligations DefaultObligations => new(options.TtlSeconds, options.MaxUses, null);

    public bool FiltersListings => options.Enforce && options.FilterListings;

    public async Task<IReadOnlyList<bool>> FilterAsync(
        CanonicalSecretUri listing, IReadOnlyList<CanonicalSecretUri> candidates, Purpose purpose, Caller caller, CancellationToken ct)
    {
        if (FiltersListings)
            return await listings.FilterAsync(listing, candidates, purpose, caller, ct);
        var all = new bool[candidates.Count];
        Array.Fill(all, true);
        return all;
    }

    /// <summary>
    /// Without authorization every use is permitted with the default obligations, and the token replay
    /// guard still holds: a token's <c>jti</c> once per (subject, URI, purpose, binding) for
    /// <c>ANTI_REPLAY_TTL_S</c>. A grant store that cannot be reached refuses, never permits unchecked.
    /// </summary>
    private async Task PermitAllAsync(IReadOnlyList<SecretUse> uses, Caller caller, AccessDecision?[] decisions, CancellationToken ct)
    {
        var guarded = authentication.TokenReplayGuard && caller.TokenId is not null;
        var binding = guarded ? caller.Binding?.ToString() : null;
        var until = time.GetUtcNow().AddSeconds(dpop.ReplayWindowSeconds);
        for (var i = 0; i < uses.Count; i++)
        {
            var permit = new AccessDecision(true, DecisionIds.New(), options.MaxUses - 1, DefaultObligations);
            try
            {
                decisions[i] = guarded
                    ? await GuardReplayAsync(permit, GrantKey.For(tenant.TenantId, caller.Subject, uses[i].Uri, uses[i].Purpose), binding, until, caller, ct)
                    : permit;
            }
            catch (GrantStateUnavailableException ex)
            {
                LogStateUnavailable(log, ex.Message);
                decisions[i] = StateUnavailable();
            }
        }
    }

    /// <summary>
    /// The token replay guard (docs/AUTHENTICATION.md#anti-replay, <c>TOKEN_REPLAY_GUARD</c>): a token <c>jti</c>
    /// is accepted once per (subject, tenant, URI, purpose, binding) until <paramref name="until"/> — the
    /// grant's expiry, whether or not its uses are spent, or <c>ANTI_REPLAY_TTL_S</c> without
    /// authorization. A replay is 401 <c>REPLAY_DENIED</c> (a grant use it took stays spent).
    /// </summary>
    private async Task<AccessDecision> GuardReplayAsync(AccessDecision permit, GrantKey key, string? binding, DateTimeOffset until,
        Caller caller, CancellationToken ct)
    {
        permit = permit with { GrantExpiresAt = until };
        if (!authentication.TokenReplayGuard || caller.TokenId is not { } jti)
            return permit;
        if (await replays.TryClaimAsync(ReplayId.ForTokenForGrant(key, binding, jti), until, ct))
            return permit;
        const string replayed = "this access token was already used for this secret and purpose";
        return Refuse(permit.DecisionId, ErrorCode.ReplayDenied, replayed, Challenge(caller, "invalid_token", replayed));
    }

    private async Task EnforceAsync(IReadOnlyList<SecretUse> uses, Caller caller, ResourceAttributesReader attributes, AccessDecision?[] decisions, CancellationToken ct)
    {
        var initial = Enumerable.Range(0, uses.Count);
        var binding = caller.Binding?.ToString();
        var keys = new GrantKey[uses.Count];
        for (var i = 0; i < uses.Count; i++)
            keys[i] = GrantKey.For(tenant.TenantId, caller.Subject, uses[i].Uri, uses[i].Purpose);
        try
        {
            var open = await FromCacheAsync(initial, uses, keys, binding, caller, decisions, ct);
            var started = Stopwatch.GetTimestamp();
            while (open.Count > 0)
            {
                // Single flight per grant in this process: one caller (the leader) decides, the others
                // wait for it and then look again, all at once. After DecisionWait everyone decides.
                var waitedEnough = Stopwatch.GetElapsedTime(started) >= options.DecisionWait;
                var led = new List<(GrantKey Key, TaskCompletionSource<SecretsProblem?> Flight)>();
                var waits = new Dictionary<GrantKey, Task<SecretsProblem?>>();
                foreach (var key in open.Select(i => keys[i]).Distinct())
                {
                    var flight = new TaskCompletionSource<SecretsProblem?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    var current = inFlight.GetOrAdd(key, flight);
                    if (ReferenceEquals(current, flight) || waitedEnough)
                        led.Add((key, flight));
                    else
                        waits[key] = current.Task;
                }
                var leading = open.Where(i => led.Exists(l => l.Key == keys[i])).ToList();
                var following = open.Where(i => !led.Exists(l => l.Key == keys[i])).ToList();
                if (leading.Count > 0)
                {
                    try
                    {
                        await DecideFreshAsync(leading, uses, keys, binding, caller, attributes, decisions, ct);
                    }
                    finally
                    {
                        foreach (var (key, flight) in led)
                        {
                            inFlight.TryRemove(new KeyValuePair<GrantKey, TaskCompletionSource<SecretsProblem?>>(key, flight));
                            flight.TrySetResult(Unavailability(leading, keys, key, decisions));
                        }
                    }
                }
                if (following.Count == 0)
                    break;
                var left = options.DecisionWait - Stopwatch.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                    await Task.WhenAny(Task.WhenAll(waits.Values), Task.Delay(left, ct)).WaitAsync(ct);
                // a leader that could not decide answers its followers too: asking again at once would only wait
                // for the same unavailable dependency, one caller after another
                foreach (var i in following)
                {
                    if (waits.TryGetValue(keys[i], out var flight) && flight.IsCompletedSuccessfully && flight.Result is { } refusal)
                        decisions[i] = AccessDecision.Refused(DecisionIds.New(), DefaultObligations, refusal);
                }
                following.RemoveAll(i => decisions[i] is not null);
                open = await FromCacheAsync(following, uses, keys, binding, caller, decisions, ct);
            }
        }
        catch (GrantStateUnavailableException ex)
        {
            LogStateUnavailable(log, ex.Message);
            for (var i = 0; i < uses.Count; i++)
                decisions[i] ??= StateUnavailable();
        }
    }

    /// <summary>The refusal a leader's use of <paramref name="key"/> ended with when it is one of unavailability (a 503), else null.</summary>
    private static SecretsProblem? Unavailability(List<int> leading, GrantKey[] keys, GrantKey key, AccessDecision?[] decisions) =>
        leading.Where(i => keys[i] == key).Select(i => decisions[i]?.Refusal).FirstOrDefault(r => r is { Status: 503 });

    /// <summary>Answers what the grant state can; returns the uses that need a fresh decision.</summary>
    private async Task<List<int>> FromCacheAsync(IEnumerable<int> indices, IReadOnlyList<SecretUse> uses, GrantKey[] keys, string? binding,
        Caller caller, AccessDecision?[] decisions, CancellationToken ct)
    {
        var open = new List<int>();
        foreach (var i in indices)
        {
            var use = await state.TryUseAsync(keys[i], binding, ct);
            if (use.Outcome == GrantLookup.Miss)
            {
                open.Add(i);
                continue;
            }
            GrantMetrics.Hit();
            decisions[i] = use.Outcome switch
            {
                GrantLookup.Used => await GuardReplayAsync(new AccessDecision(true, use.DecisionId!, use.RemainingUses, ObligationsOf(use.Grant!)) { CacheHit = true },
                    keys[i], binding, use.Grant!.ExpiresAt, caller, ct),
                GrantLookup.BindingDrift => Refuse(use.DecisionId!, ErrorCode.BindingDenied, challenge: Challenge(caller, "invalid_token", ErrorCode.BindingDenied.Detail)),
                _ => Refuse(use.DecisionId ?? DecisionIds.New(), ErrorCode.SecretAuthzFailed),
            };
        }
        return open;
    }

    private async Task DecideFreshAsync(List<int> open, IReadOnlyList<SecretUse> uses, GrantKey[] keys, string? binding,
        Caller caller, ResourceAttributesReader attributes, AccessDecision?[] decisions, CancellationToken ct)
    {
        var held = new List<IAsyncDisposable>();
        try
        {
            // Locks in one global order, so two batches sharing keys cannot wait on each other.
            foreach (var key in open.Select(i => keys[i]).Distinct().OrderBy(k => k.Value, StringComparer.Ordinal))
                held.Add(await state.LockAsync(key, options.DecisionWait, ct));
            open = await FromCacheAsync(open, uses, keys, binding, caller, decisions, ct);   // decided while we waited?
            if (open.Count == 0)
                return;

            var read = await Task.WhenAll(open.Select(i => ReadAttributesAsync(attributes, uses[i].Uri, ct)));
            var asked = new List<int>(open.Count);
            var questions = new List<AccessQuestion>(open.Count);
            for (var k = 0; k < open.Count; k++)
            {
                var i = open[k];
                GrantMetrics.Miss();
                if (read[k].Problem is { } problem)      // never decide on attributes we could not read
                    decisions[i] = AccessDecision.Refused(DecisionIds.New(), DefaultObligations, problem);
                else
                {
                    asked.Add(i);
                    questions.Add(new AccessQuestion(uses[i].Uri, uses[i].Purpose, read[k].Attributes!));
                }
            }
            if (asked.Count == 0)
                return;

            var semantic = asked.Count > 1 && asked.All(i => uses[i].Required) ? EvaluationSemantic.DenyOnFirstDeny : EvaluationSemantic.ExecuteAll;
            var verdicts = await mediator.SendRequest(new EvaluateAccess(caller, questions, semantic), ct);
            for (var k = 0; k < asked.Count; k++)
            {
                var i = asked[k];
                decisions[i] = verdicts.Unavailable
                    ? AccessDecision.Refused(DecisionIds.New(), DefaultObligations, PdpUnavailable.Problem())
                    : await SettleAsync(keys[i], verdicts.Verdicts.ElementAtOrDefault(k), binding, caller, ct);
            }
        }
        finally
        {
            for (var h = held.Count - 1; h >= 0; h--)
                await held[h].DisposeAsync();
        }
    }

    /// <summary>A verdict becomes a grant (first use taken), a cached deny, or a binding deny.</summary>
    private async Task<AccessDecision> SettleAsync(GrantKey key, AccessVerdict? verdict, string? binding, Caller caller, CancellationToken ct)
    {
        var decisionId = verdict?.DecisionId is { Length: > 0 } id ? id : DecisionIds.New();
        var now = time.GetUtcNow();
        if (verdict is not { Decision: true })
        {
            if (options.NegativeCacheSeconds > 0 && verdict is { Evaluated: true })   // only what the PDP decided is cached
                await state.DenyAsync(key, decisionId, now.AddSeconds(options.NegativeCacheSeconds), ct);
            return Refuse(decisionId, ErrorCode.SecretAuthzFailed);
        }
        var obligations = new Obligations(
            verdict.TtlSeconds is >= 1 and <= 86_400 ? verdict.TtlSeconds.Value : options.TtlSeconds,
            verdict.MaxUses is >= 1 ? verdict.MaxUses.Value : options.MaxUses,
            verdict.RequireBinding is { Length: > 0 } required ? required : null);
        if (!Satisfies(obligations.RequireBinding, caller.Binding))
            return Refuse(decisionId, ErrorCode.BindingDenied, challenge: Challenge(caller, "invalid_token", ErrorCode.BindingDenied.Detail));
        var grant = new Grant(decisionId, obligations.TtlSeconds, obligations.MaxUses, obligations.RequireBinding, binding,
            now.AddSeconds(obligations.TtlSeconds));
        var remaining = await state.GrantAndUseAsync(key, grant, ct);
        return await GuardReplayAsync(new AccessDecision(true, decisionId, remaining, obligations), key, binding, grant.ExpiresAt, caller, ct);
    }

    /// <summary>require_binding: dpop, mtls, any (some binding) or none; an obligation we do not know is not met.</summary>
    internal static bool Satisfies(string? requireBinding, SenderBinding? binding) => requireBinding switch
    {
        null or "none" => true,
        "any" => binding is not null,
        "dpop" => binding?.Kind == SenderBindingKind.Dpop,
        "mtls" => binding?.Kind == SenderBindingKind.Mtls,
        _ => false,
    };

    private static Obligations ObligationsOf(Grant grant) => new(grant.TtlSeconds, grant.MaxUses, grant.RequireBinding);

    /// <summary>The attributes, or the provider's problem that kept them from being read.</summary>
    private static async Task<(ResourceAttributes? Attributes, SecretsProblem? Problem)> ReadAttributesAsync(ResourceAttributesReader attributes,
        CanonicalSecretUri uri, CancellationToken ct)
    {
        try
        {
            return (await attributes(uri, ct), null);
        }
        catch (SecretsProblem problem)
        {
            return (null, problem);
        }
    }

    /// <summary>The grant store could not be reached: 503 with <c>Retry-After</c>, not cached.</summary>
    private AccessDecision StateUnavailable() =>
        AccessDecision.Refused(DecisionIds.New(), DefaultObligations, GrantStateUnavailableException.Problem());

    /// <summary>A refusal with its problem: the code's detail (or a fixed one) and, for token problems, the challenge.</summary>
    private AccessDecision Refuse(string decisionId, ErrorCode code, string? detail = null, string? challenge = null) =>
        AccessDecision.Refused(decisionId, DefaultObligations, new SecretsProblem(code, detail: detail)
        {
            Headers = challenge is null ? [] : [new(Challenges.Header, challenge)],
        });

    /// <summary>A challenge in the caller's scheme (RFC 6750 §3, RFC 9449 §7.1).</summary>
    private string Challenge(Caller caller, string error, string description, params (string Name, string Value)[] extra) =>
        Challenges.For(Challenges.SchemeOf(caller), dpop.Algorithms, error, description, extra);

    /// <summary>One line a second while the grant state is away (every request would log one), with the count held back.</summary>
    private static readonly Throttle StateUnavailableLines = new(TimeSpan.FromSeconds(1));

    private static void LogStateUnavailable(ILogger logger, string reason)
    {
        if (StateUnavailableLines.TryPass(out var heldBack))
            LogStateUnavailable(logger, reason, heldBack);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Grant state unavailable, denying: {Reason} ({HeldBack} more refusals since the last line)")]
    private static partial void LogStateUnavailable(ILogger logger, string reason, long heldBack);
}
