using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Access;

/// <summary>
/// The access pipeline: the one order every operation on a secret follows (docs/ARCHITECTURE.md).
/// For every target of a request, one step after the other: the token allows the purpose (403 scope,
/// 401 sender binding), the request's own shape (400), the URI grammar (400), the tenant's mounts (400),
/// the target's URI rules (400), the targets' relation (400), the provider's capability (501); then the
/// PEP once for every use (a grant use is spent only here); then a gated destroy's approval step, when the request has
/// one (reported as an outcome of its own); then the work; then one outcome per
/// operation, reported to the request's <see cref="OperationScope"/> for the audit trail. A failure is
/// reported for the target it concerns and thrown on unchanged.
/// </summary>
internal sealed class SecretPipeline : ISecretOperations
{
    private readonly KvStoreRegistry stores;
    private readonly TenantGuard guard;
    private readonly TokenRequirements token;
    private readonly IPolicyEnforcementPoint pep;
    private readonly ResourceAttributesReader attributes;
    private readonly IAuditGate audit;

    public SecretPipeline(KvStoreRegistry stores, TenantGuard guard, TokenRequirements token, IPolicyEnforcementPoint pep, IAuditGate audit)
    {
        this.stores = stores;
        this.guard = guard;
        this.token = token;
        this.pep = pep;
        this.audit = audit;
        attributes = ReadAttributesAsync;   // one delegate for the life of the pipeline, not one per request
    }

    /// <summary>
    /// A Providers slice: one target, the authorised secret with its store. The endpoint's validation
    /// failures (it does not throw them itself) are the request's shape check, after the scope check.
    /// </summary>
    public Task<T> RunAsync<T>(BaseEndpoint endpoint, SecretTarget target, Func<AuthorizedSecret, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var failures = endpoint.ValidationFailures;
        var request = failures.Count == 0
            ? new SecretRequest(target)
            : new SecretRequest(target) { CheckShape = () => throw new ValidationFailureException(failures, "request validation failed") };
        return RunAsync(ScopeOf(endpoint.HttpContext), request, (secrets, c) => work(secrets[0], c), ct);
    }

    public Task<T> RunAsync<T>(OperationScope scope, SecretRequest request,
        Func<IReadOnlyList<IAuthorizedSecret>, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync<T>(scope, request, (AuthorizedSecret[] secrets, CancellationToken c) => work(secrets, c), ct);

    private async Task<T> RunAsync<T>(OperationScope scope, SecretRequest request, Func<AuthorizedSecret[], CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var run = new Run(request);
        try
        {
            Check(scope.Caller, run);
            var uses = new SecretUse[run.Count];
            for (var i = 0; i < uses.Length; i++)
                uses[i] = new SecretUse(run.Uris[i]!, run.Targets[i].Purpose);
            run.Failing = -1;
            var decided = DecidedPerEntry(run) ? PerEntry(run.Count) : await pep.AuthorizeAsync(uses, scope.Caller, attributes, ct);
            run.Decisions = [.. decided.Decisions];
            if (decided.FirstDeny is { } deny)
            {
                run.Failing = run.Decisions.FindIndex(d => ReferenceEquals(d, deny));
                throw deny.Refusal!;
            }
            if (request.Approve is { } approve)
            {
                await approve(ct);
                scope.Report(run.Outcome(null));   // the approval's own record; the work's outcome follows as the operation itself
                run.Approved = true;
            }
            run.Secrets = new AuthorizedSecret[run.Count];
            for (var i = 0; i < run.Count; i++)
                run.Secrets[i] = new AuthorizedSecret(run.Uris[i]!, run.Stores[i]!, run.Needs[i], run.Decisions[i], scope.Caller, Visibility(run.Targets[i], run.Uris[i]!));
            var result = await work(run.Secrets, ct);
            scope.Report(run.Outcome(null));
            return result;
        }
        catch (Exception ex)
        {
            scope.Report(run.Outcome(ProblemOf(ex, ct)));
            throw;
        }
    }

    public async Task<IReadOnlyList<SecretOperationResult<T>>> RunEachAsync<T>(OperationScope scope,
        IReadOnlyList<SecretOperation<T>> operations, bool continueOnError, CancellationToken ct)
    {
        var runs = new Run[operations.Count];
        var refused = new SecretsProblem?[operations.Count];
        var reach = operations.Count;
        for (var i = 0; i < operations.Count; i++)
        {
            runs[i] = new Run(new SecretRequest(operations[i].Target));
            try
            {
                Check(scope.Caller, runs[i]);
            }
            catch (SecretsProblem problem)
            {
                refused[i] = problem;
                if (!continueOnError)
                {
                    reach = i + 1;   // nothing after the first failure runs, so nothing after it is authorised
                    break;
                }
            }
        }

        var asked = Enumerable.Range(0, reach).Where(i => refused[i] is null).ToList();
        if (asked.Count > 0)
        {
            var uses = asked.Select(i => new SecretUse(runs[i].Uris[0]!, runs[i].Targets[0].Purpose, Required: false)).ToList();
            var decided = await pep.AuthorizeAsync(uses, scope.Caller, attributes, ct);
            for (var k = 0; k < asked.Count; k++)
                runs[asked[k]].Decisions = [decided.Decisions[k]];
        }

        var results = new List<SecretOperationResult<T>>(reach);
        for (var i = 0; i < reach; i++)
        {
            var run = runs[i];
            var result = refused[i] is { } problem
                ? Fail<T>(scope, run, problem)
                : run.Decisions[0].Refusal is { } refusal
                    ? Fail<T>(scope, run, refusal, failing: 0)
                    : await RunOperationAsync(scope, run, operations[i].Work, ct);
            results.Add(result);
            if (result.Problem is not null && !continueOnError)
                break;
        }
        return results;
    }

    private static SecretOperationResult<T> Fail<T>(OperationScope scope, Run run, SecretsProblem problem, int? failing = null)
    {
        if (failing is { } index)
            run.Failing = index;
        scope.Report(run.Outcome(problem));
        return new SecretOperationResult<T>(run.Uris[0], default, problem);
    }

    private async Task<SecretOperationResult<T>> RunOperationAsync<T>(OperationScope scope, Run run,
        Func<IAuthorizedSecret, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        run.Failing = -1;
        run.Secrets = [new AuthorizedSecret(run.Uris[0]!, run.Stores[0]!, run.Needs[0], run.Decisions[0], scope.Caller, Visibility(run.Targets[0], run.Uris[0]!))];
        try
        {
            var value = await work(run.Secrets[0], ct);
            scope.Report(run.Outcome(null));
            return new SecretOperationResult<T>(run.Uris[0], value, null);
        }
        catch (Exception ex)
        {
            run.Failing = 0;
            var problem = ProblemOf(ex, ct);
            scope.Report(run.Outcome(problem));
            if (ex is not SecretsProblem)
                throw;
            return new SecretOperationResult<T>(run.Uris[0], default, problem);
        }
    }

    public void DemandPurpose(OperationScope scope, Purpose purpose)
    {
        ArgumentNullException.ThrowIfNull(scope);
        try
        {
            token.Demand(scope.Caller, purpose);
        }
        catch (SecretsProblem problem)
        {
            scope.Report(new OperationOutcome(purpose, null, null, null, problem));
            throw;
        }
    }

    /// <summary>Every check that can refuse a request without asking anyone, one step at a time across the targets.</summary>
    private void Check(Caller caller, Run run)
    {
        var targets = run.Targets;
        for (run.Failing = 0; run.Failing < targets.Count; run.Failing++)
            token.Demand(caller, targets[run.Failing].Purpose);
        run.Failing = 0;
        run.Request.CheckShape?.Invoke();
        for (run.Failing = 0; run.Failing < targets.Count; run.Failing++)
        {
            var target = targets[run.Failing];
            run.Uris[run.Failing] = CanonicalSecretUri.Parse(target.Uri, target.Version, target.Allow);
        }
        for (run.Failing = 0; run.Failing < targets.Count; run.Failing++)
            guard.EnsureMountAllowed(run.Uris[run.Failing]!);
        for (run.Failing = 0; run.Failing < targets.Count; run.Failing++)
        {
            var (target, uri) = (targets[run.Failing], run.Uris[run.Failing]!);
            if (!target.FragmentAllowed && uri.Fragment is not null)
                throw new SecretsProblem(ErrorCode.FragmentNotAllowed);
            if (target.FragmentRequired && uri.Fragment is null)
                throw new SecretsProblem(ErrorCode.FragmentRequired);
            run.Needs[run.Failing] = target.Needs;
            if (uri.Version is null)
                continue;
            if (target.Purpose is not (Purpose.Read or Purpose.Execute))
                throw new SecretsProblem(ErrorCode.AmbiguousQuery);   // only reads pin a version
            run.Needs[run.Failing] |= KvCapabilities.PinnedRead;
        }
        run.Failing = 0;
        if (run.Request.CheckTargets?.Invoke(run.Uris!) is { } code)
            throw new SecretsProblem(code);
        for (run.Failing = 0; run.Failing < targets.Count; run.Failing++)
            run.Stores[run.Failing] = stores.Require(run.Uris[run.Failing]!, run.Needs[run.Failing]);
        run.Failing = 0;
        audit.EnsureAccepting();   // an event that could not be made durable: refused before the PEP reads any provider
    }

    /// <summary>A listing whose entries are filtered one by one needs no decision on its prefix (docs/AUTHORIZATION.md#filtered-listings).</summary>
    private bool DecidedPerEntry(Run run) => pep.FiltersListings && run.Targets.All(t => t.DecidedPerEntry);

    /// <summary>The decision of a listing decided per entry: no grant, no use; its own decision id for the audit record.</summary>
    private static AccessDecisions PerEntry(int count)
    {
        var decisions = new AccessDecision[count];
        for (var i = 0; i < count; i++)
            decisions[i] = new AccessDecision(true, DecisionIds.New(), 0, new Obligations(0, 0, null));
        return new AccessDecisions(decisions, true, null);
    }

    /// <summary>What a listing may show: through the PEP's filter for a target decided per entry, everything otherwise.</summary>
    private EntryFilter Visibility(SecretTarget target, CanonicalSecretUri listing) =>
        target.DecidedPerEntry && pep.FiltersListings
            ? new EntryFilter(true, (entries, caller, ct) => pep.FilterAsync(listing, entries, target.Purpose, caller, ct))
            : EntryFilter.ShowAll;

    /// <summary>
    /// The PEP's server-side read of owner and creation stamps: none for a prefix, a missing path or a
    /// store without custom metadata; a provider failure is thrown, whole, so the use is refused with it.
    /// </summary>
    private async Task<ResourceAttributes> ReadAttributesAsync(CanonicalSecretUri uri, CancellationToken ct)
    {
        var store = stores.Require(uri, KvCapabilities.Read);
        if ((store.Capabilities & KvCapabilities.CustomMetadata) == 0 || uri.IsPrefix)
            return ResourceAttributes.None;
        var metadata = await store.ReadMetadataAsync(KvPath.Of(uri), ct);
        return metadata is null ? ResourceAttributes.None : ProviderMetadata.Attributes(metadata);
    }

    /// <summary>What a failure is audited as: its own problem, a refused request shape, or an error of ours.</summary>
    private static SecretsProblem ProblemOf(Exception ex, CancellationToken ct) => ex switch
    {
        SecretsProblem problem => problem,
        ValidationFailureException => new SecretsProblem(ErrorCode.InvalidRequest),
        BadHttpRequestException bad => new SecretsProblem(ErrorCode.ForStatus(bad.StatusCode)),
        OperationCanceledException when ct.IsCancellationRequested => new SecretsProblem(ErrorCode.RequestAborted),
        _ => new SecretsProblem(ErrorCode.InternalError),
    };

    /// <summary>Opened by the audit settlement for every endpoint with <c>AuditedAs</c> metadata.</summary>
    private static OperationScope ScopeOf(HttpContext http) => http.Features.GetRequiredFeature<OperationScope>();

    /// <summary>One request's way through the pipeline: what each target parsed to, its store and decision, and which target failed.</summary>
    private sealed class Run(SecretRequest request)
    {
        public SecretRequest Request { get; } = request;
        public IReadOnlyList<SecretTarget> Targets => Request.Targets;
        public int Count => Targets.Count;
        public CanonicalSecretUri?[] Uris { get; } = new CanonicalSecretUri?[request.Targets.Count];
        public IKvStore?[] Stores { get; } = new IKvStore?[request.Targets.Count];
        public KvCapabilities[] Needs { get; } = new KvCapabilities[request.Targets.Count];
        public List<AccessDecision> Decisions { get; set; } = [];
        public AuthorizedSecret[]? Secrets { get; set; }

        /// <summary>The request's approval step ran and was reported: what follows is the operation itself.</summary>
        public bool Approved { get; set; }

        /// <summary>The target a failure concerns; -1 for the request as a whole (the primary, target 0).</summary>
        public int Failing { get; set; }

        /// <summary>
        /// The outcome: a failure concerns the target that failed; a success (or a failure of the request
        /// as a whole) the primary target, the first that is not a source. The source is named apart.
        /// </summary>
        public OperationOutcome Outcome(SecretsProblem? problem)
        {
            var primary = 0;
            while (primary < Count - 1 && Targets[primary].IsSource)
                primary++;
            var at = problem is not null && Failing >= 0 && Failing < Count ? Failing : primary;
            var source = -1;
            for (var i = 0; i < Count && source < 0; i++)
                source = Targets[i].IsSource && Uris[i] is not null && Uris[i] != Uris[at] ? i : -1;
            var related = Decisions.Count <= 1 ? [] : Decisions.Where((_, i) => i != at).Select(d => d.DecisionId).ToList();
            return new OperationOutcome(Targets[at].Purpose, Uris[at], Decisions.ElementAtOrDefault(at)?.DecisionId,
                problem is null ? Secrets?[at].Version : null, problem)
            {
                Source = source < 0 ? null : Uris[source],
                SourceKvVersion = problem is null && source >= 0 ? Secrets?[source].Version : null,
                RelatedDecisionIds = related,
                CacheHit = problem is null && Decisions.ElementAtOrDefault(at) is { CacheHit: true },
                ApprovalId = Targets[at].ApprovalId,
                ApprovalStep = Approved ? ApprovalStep.None : Targets[at].ApprovalStep,
                Schedule = Targets[at].Schedule,
                ItemCount = Secrets?[at].ItemCount,
            };
        }
    }
}
