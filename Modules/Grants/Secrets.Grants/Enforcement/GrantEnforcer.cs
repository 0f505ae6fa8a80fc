using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Grants.Authentication;
using Secrets.Grants.Binding;
using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Policy.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Enforcement;

/// <summary>
/// The PEP (SPEC §5). A use is answered from a live grant (one use taken atomically) or a cached deny;
/// otherwise one caller per grant in this process leads (the others wait for its decision and look
/// again together), takes the grant's decision lock (across nodes with Redis), reads the resource
/// attributes server-side and asks the PDP once for every open use, and each permit becomes a grant bound to the caller's sender binding. Every policy deny is
/// audited here; nothing fails open: an unreadable provider, PDP or grant store is a deny (a provider
/// failure is left to the caller to audit as the operation's failure).
/// </summary>
internal sealed partial class GrantEnforcer(
    IMediator mediator, IGrantState state, IReplayWindow replays, GrantOptions options, AuthenticationOptions authentication,
    ScopeEnforcement scopes, DpopOptions dpop, TenantContext tenant, TimeProvider time, ILogger<GrantEnforcer> log)
{
    /// <summary>The decision each grant key is waiting for in this process (single flight).</summary>
    private readonly ConcurrentDictionary<GrantKey, TaskCompletionSource> inFlight = new();

    public async Task<AccessDecisions> DecideAsync(IReadOnlyList<SecretUse> uses, Caller caller, CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity("pep.authorize");
        var decisions = new AccessDecision?[uses.Count];
        var (open, refusal) = await AllowedByTokenAsync(uses, caller, decisions, ct);
        if (!options.Enforce)
        {
            foreach (var i in open)
                decisions[i] = new AccessDecision(true, DecisionIds.New(), options.MaxUses - 1, DefaultObligations);
        }
        else if (open.Count > 0)
        {
            await EnforceAsync(open, uses, caller, decisions, ct);
        }

        var firstDeny = refusal;   // a required use the token does not allow: the batch's answer
        for (var i = 0; i < uses.Count; i++)
        {
            GrantMetrics.Decided(decisions[i]!.Permitted);
            if (firstDeny is null && uses[i].Required && !decisions[i]!.Permitted)
                firstDeny = decisions[i];
        }
        return new AccessDecisions(decisions!, firstDeny is null, firstDeny);
    }

    private Obligations DefaultObligations => new(options.TtlSeconds, options.MaxUses, null);

    /// <summary>
    /// What the caller's token allows before any grant or PDP (SPEC §4, §6): the purpose's scope
    /// (<c>SECRETS_ENFORCE_SCOPES</c>) and, for <c>execute</c>, a sender-bound token
    /// (<c>SECRETS_REQUIRE_SENDER_BINDING</c>). Returns the uses still to decide; once a required use is
    /// refused, the batch is refused with that use's answer and its other uses are not decided (nothing is consumed).
    /// </summary>
    private async Task<(List<int> Open, AccessDecision? Refusal)> AllowedByTokenAsync(IReadOnlyList<SecretUse> uses, Caller caller,
        AccessDecision?[] decisions, CancellationToken ct)
    {
        var open = new List<int>(uses.Count);
        AccessDecision? refusal = null;
        for (var i = 0; i < uses.Count; i++)
        {
            if (scopes.Missing(caller, SecretScopes.For(uses[i].Purpose)) is { } scope)
            {
                decisions[i] = await DenyAsync(uses[i], caller, DecisionIds.New(), ErrorCode.InsufficientScope, ct,
                    ScopeEnforcement.Detail(scope), scopes.Challenge(caller, scope));
            }
            else if (authentication.RequireSenderBinding && uses[i].Purpose == Purpose.Execute && caller.Binding is null)
            {
                decisions[i] = await DenyAsync(uses[i], caller, DecisionIds.New(), ErrorCode.SenderBindingRequired, ct, null,
                    DpopChallenge.Build(dpop.Algorithms, "invalid_token", "this read needs a DPoP- or certificate-bound token"));
            }
            else
            {
                open.Add(i);
                continue;
            }
            if (uses[i].Required)
                refusal ??= decisions[i];
        }
        if (refusal is null)
            return (open, null);
        foreach (var i in open)   // not decided: the batch is refused anyway
            decisions[i] = new AccessDecision(false, DecisionIds.New(), 0, DefaultObligations, ErrorCode.SecretAuthzFailed.Value, Audited: true);
        return ([], refusal);
    }

    /// <summary>
    /// The token replay guard (SPEC §6, <c>TOKEN_REPLAY_GUARD</c>): a token <c>jti</c> is accepted once per
    /// grant, until the grant expires. A replay is 401 <c>REPLAY_DENIED</c> (the use it tried is spent).
    /// </summary>
    private async Task<AccessDecision> GuardReplayAsync(AccessDecision permit, SecretUse use, GrantKey key, string? binding, DateTimeOffset grantExpiry,
        Caller caller, CancellationToken ct)
    {
        if (!authentication.TokenReplayGuard || caller.TokenId is not { } jti)
            return permit;
        if (await replays.TryClaimAsync(ReplayId.ForTokenForGrant(key, binding, permit.DecisionId, jti), grantExpiry, ct))
            return permit;
        const string replayed = "this access token was already used for this grant";
        return await DenyAsync(use, caller, permit.DecisionId, ErrorCode.ReplayDenied, ct, replayed, Challenge(caller, "invalid_token", replayed));
    }

    private async Task EnforceAsync(List<int> initial, IReadOnlyList<SecretUse> uses, Caller caller, AccessDecision?[] decisions, CancellationToken ct)
    {
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
                var led = new List<(GrantKey Key, TaskCompletionSource Flight)>();
                var waits = new List<Task>();
                foreach (var key in open.Select(i => keys[i]).Distinct())
                {
                    var flight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var current = inFlight.GetOrAdd(key, flight);
                    if (ReferenceEquals(current, flight) || waitedEnough)
                        led.Add((key, flight));
                    else
                        waits.Add(current.Task);
                }
                var leading = open.Where(i => led.Exists(l => l.Key == keys[i])).ToList();
                var following = open.Where(i => !led.Exists(l => l.Key == keys[i])).ToList();
                if (leading.Count > 0)
                {
                    try
                    {
                        await DecideFreshAsync(leading, uses, keys, binding, caller, decisions, ct);
                    }
                    finally
                    {
                        foreach (var (key, flight) in led)
                        {
                            inFlight.TryRemove(new KeyValuePair<GrantKey, TaskCompletionSource>(key, flight));
                            flight.TrySetResult();
                        }
                    }
                }
                if (following.Count == 0)
                    break;
                var left = options.DecisionWait - Stopwatch.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                    await Task.WhenAny(Task.WhenAll(waits), Task.Delay(left, ct)).WaitAsync(ct);
                open = await FromCacheAsync(following, uses, keys, binding, caller, decisions, ct);
            }
        }
        catch (GrantStateUnavailableException ex)
        {
            LogStateUnavailable(log, ex.Message);
            for (var i = 0; i < uses.Count; i++)
                decisions[i] ??= await DenyAsync(uses[i], caller, DecisionIds.New(), ErrorCode.GrantStateUnavailable, ct);
        }
    }

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
                GrantLookup.Used => await GuardReplayAsync(new AccessDecision(true, use.DecisionId!, use.RemainingUses, ObligationsOf(use.Grant!)),
                    uses[i], keys[i], binding, use.Grant!.ExpiresAt, caller, ct),
                GrantLookup.BindingDrift => await DenyAsync(uses[i], caller, use.DecisionId!, ErrorCode.BindingDenied, ct),
                _ => await DenyAsync(uses[i], caller, use.DecisionId ?? DecisionIds.New(), ErrorCode.SecretAuthzFailed, ct),
            };
        }
        return open;
    }

    private async Task DecideFreshAsync(List<int> open, IReadOnlyList<SecretUse> uses, GrantKey[] keys, string? binding,
        Caller caller, AccessDecision?[] decisions, CancellationToken ct)
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

            var attributes = await Task.WhenAll(open.Select(i => mediator.SendRequest(new ReadResourceAttributes(uses[i].Uri), ct)));
            var asked = new List<int>(open.Count);
            var questions = new List<AccessQuestion>(open.Count);
            for (var k = 0; k < open.Count; k++)
            {
                var i = open[k];
                GrantMetrics.Miss();
                if (attributes[k].Failure is { } failure)      // never decide on attributes we could not read
                    decisions[i] = new AccessDecision(false, DecisionIds.New(), 0, DefaultObligations, failure.Code);
                else
                {
                    asked.Add(i);
                    questions.Add(new AccessQuestion(uses[i].Uri, uses[i].Purpose, attributes[k].Attributes));
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
                    ? await DenyAsync(uses[i], caller, DecisionIds.New(), ErrorCode.PdpUnavailable, ct)
                    : await SettleAsync(uses[i], keys[i], verdicts.Verdicts.ElementAtOrDefault(k), binding, caller, ct);
            }
        }
        finally
        {
            for (var h = held.Count - 1; h >= 0; h--)
                await held[h].DisposeAsync();
        }
    }

    /// <summary>A verdict becomes a grant (first use taken), a cached deny, or a binding deny.</summary>
    private async Task<AccessDecision> SettleAsync(SecretUse use, GrantKey key, AccessVerdict? verdict, string? binding, Caller caller, CancellationToken ct)
    {
        var decisionId = verdict?.DecisionId is { Length: > 0 } id ? id : DecisionIds.New();
        var now = time.GetUtcNow();
        if (verdict is not { Decision: true })
        {
            if (options.NegativeCacheSeconds > 0 && verdict is { Evaluated: true })   // only what the PDP decided is cached
                await state.DenyAsync(key, decisionId, now.AddSeconds(options.NegativeCacheSeconds), ct);
            return await DenyAsync(use, caller, decisionId, ErrorCode.SecretAuthzFailed, ct);
        }
        var obligations = new Obligations(
            verdict.TtlSeconds is >= 1 and <= 86_400 ? verdict.TtlSeconds.Value : options.TtlSeconds,
            verdict.MaxUses is >= 1 ? verdict.MaxUses.Value : options.MaxUses,
            verdict.RequireBinding is { Length: > 0 } required ? required : null);
        if (!Satisfies(obligations.RequireBinding, caller.Binding))
            return await DenyAsync(use, caller, decisionId, ErrorCode.BindingDenied, ct);
        var grant = new Grant(decisionId, obligations.TtlSeconds, obligations.MaxUses, obligations.RequireBinding, binding,
            now.AddSeconds(obligations.TtlSeconds));
        var remaining = await state.GrantAndUseAsync(key, grant, ct);
        return await GuardReplayAsync(new AccessDecision(true, decisionId, remaining, obligations), use, key, binding, grant.ExpiresAt, caller, ct);
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

    private async Task<AccessDecision> DenyAsync(SecretUse use, Caller caller, string decisionId, ErrorCode code, CancellationToken ct,
        string? detail = null, string? challenge = null)
    {
        var type = code == ErrorCode.BindingDenied || code == ErrorCode.SenderBindingRequired ? AuditType.BindingDenied
            : code == ErrorCode.ReplayDenied ? AuditType.ReplayDenied
            : AuditType.AuthzDenied;
        if (code == ErrorCode.BindingDenied)
            challenge ??= Challenge(caller, "invalid_token", code.Detail);
        await mediator.Publish(AuditRecord.Create(type, AuditEffect.Deny, use.Uri, use.Purpose, caller, decisionId, null, code.Value), ct);
        return new AccessDecision(false, decisionId, 0, DefaultObligations, code.Value, Audited: true) { DenyDetail = detail, Challenge = challenge };
    }

    /// <summary>A challenge in the caller's scheme (RFC 6750 §3, RFC 9449 §7.1).</summary>
    private string Challenge(Caller caller, string error, string description, params (string Name, string Value)[] extra) =>
        Challenges.For(Challenges.SchemeOf(caller), dpop.Algorithms, error, description, extra);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grant state unavailable, denying: {Reason}")]
    private static partial void LogStateUnavailable(ILogger logger, string reason);
}
