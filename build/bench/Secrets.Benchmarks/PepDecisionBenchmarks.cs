using System.Globalization;
using BenchmarkDotNet.Attributes;
using Secrets.Grants.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Benchmarks;

/// <summary>
/// What one authorisation decision costs: <c>IPolicyEnforcementPoint.AuthorizeAsync</c> called as the
/// access pipeline calls it (the use, the caller, a cancellable token), answered by the Grants module
/// on a grant-cache hit or a fresh decision by the embedded PDP, with grant state in memory or in
/// Redis; and, as the baseline, with authorization off. The Copy cases ask for the batch a copy asks
/// for (read the source, write the destination).
/// <para>
/// Each case checks in <see cref="Setup"/> that it measures what its name says (PDP evaluations
/// counted over 200 calls), and in <see cref="Cleanup"/> that every call of the run did (the PEP's
/// own hit, miss and decision counters).
/// </para>
/// </summary>
[MemoryDiagnoser]
[GcServer(false)]   // as Secrets.Host runs (workstation GC, Secrets.Host.csproj)
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class PepDecisionBenchmarks
{
    /// <summary>The Redis every Redis case uses (set by <see cref="Program"/>); without it a case starts its own Garnet.</summary>
    public const string RedisUrlVariable = "PEP_BENCH_REDIS_URL";

    /// <summary>Prefix of the check lines in the log (build/bench-pep.sh and <see cref="Program"/> read them).</summary>
    public const string CheckPrefix = "PEP check";

    /// <summary>The caller of every decision: a service token without sender binding, as the host would establish it.</summary>
    internal static readonly Caller BenchCaller = new("svc-bench", "bench-app", "https://issuer.bench", "jti-bench", null, "corr-bench");

    private const int CheckCalls = 200;

    private readonly CancellationTokenSource requestAborted = new();
    private PepCase pepCase = PepCase.Parse("Off");
    private PepHost? host;
    private GarnetForBench? ownGarnet;
    private PepCounters? counters;
    private string? workDir;
    private Secrets.Grants.Contracts.IPolicyEnforcementPoint pep = null!;
    private Caller caller = null!;
    private CanonicalSecretUri uri = null!;
    private CanonicalSecretUri copyTo = null!;
    private string[] grantDecisionIds = [];
    private SecretUse[] readUses = [];
    private SecretUse[] copyUses = [];

    [Params("Off", "Hit/InMemory", "Miss/InMemory", "Hit/Redis", "Miss/Redis", "CopyHit/InMemory", "CopyMiss/InMemory", "CopyHit/Redis", "CopyMiss/Redis")]
    public string Case { get; set; } = "Off";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>One decision (a copy: one batch of two), exactly as a slice asks for it.</summary>
    [Benchmark]
    public Task Decide() => pep.AuthorizeAsync(pepCase.Copy ? copyUses : readUses, caller, PepHost.NoAttributes, requestAborted.Token);

    private async Task SetupAsync()
    {
        pepCase = PepCase.Parse(Case);
        workDir = Directory.CreateTempSubdirectory("secrets-bench-pep-").FullName;
        var policyPath = Path.Combine(workDir, "policies.yaml");
        await File.WriteAllTextAsync(policyPath, PolicyText);

        string? redisUrl = null;
        if (pepCase.Redis)
        {
            redisUrl = Environment.GetEnvironmentVariable(RedisUrlVariable);
            if (string.IsNullOrEmpty(redisUrl))
            {
                ownGarnet = GarnetForBench.Start();
                redisUrl = ownGarnet.ConnectionString;
            }
        }

        counters = new PepCounters();
        host = await PepHost.StartAsync(pepCase.Enforce, redisUrl, policyPath, workDir);
        pep = host.Pep;
        caller = BenchCaller;
        var area = pepCase.Hit ? "hit" : "miss";
        uri = CanonicalSecretUri.Parse($"yaml://secret/bench/{area}/app" + (pepCase.Copy ? "" : "#token"));
        copyTo = CanonicalSecretUri.Parse($"yaml://secret/bench/{area}/copy");
        readUses = [new SecretUse(uri, Purpose.Execute)];
        copyUses = [new SecretUse(uri, Purpose.Read), new SecretUse(copyTo, Purpose.Write)];

        await VerifyCaseAsync(redisUrl);
        counters.Reset();
    }

    /// <summary>
    /// A first call (for the hit cases it makes the grants), then <see cref="CheckCalls"/> calls with
    /// the PDP's evaluations counted: a hit never reaches the PDP and keeps its grant's decision id,
    /// taking one use per call; a miss is one PDP evaluation per call with a fresh decision id and no
    /// use left; off never reaches the PDP nor the grant state.
    /// </summary>
    private async Task VerifyCaseAsync(string? redisUrl)
    {
        var first = await DecideAllAsync();
        grantDecisionIds = first.Select(d => d.DecisionId).ToArray();
        counters!.Reset();

        var calls = new List<IReadOnlyList<AccessDecision>>(CheckCalls);
        long evaluations;
        using (var pdp = new PdpEvaluations())
        {
            for (var i = 0; i < CheckCalls; i++)
                calls.Add(await DecideAllAsync());
            evaluations = pdp.Count;
        }
        var count = counters.Read();
        var uses = pepCase.Uses;
        var problems = new List<string>();
        if (calls.Any(c => c.Any(d => !d.Permitted)) || count.Denies != 0)
            problems.Add("a decision was a deny");
        if (count.Decisions != CheckCalls * uses)
            problems.Add($"{count.Decisions} decisions counted, expected {CheckCalls * uses}");

        for (var u = 0; u < uses; u++)
        {
            var ids = calls.Select(c => c[u].DecisionId).ToList();
            var remaining = calls.Select(c => c[u].RemainingUses).ToList();
            if (!pepCase.Enforce || !pepCase.Hit)
            {
                if (ids.Distinct(StringComparer.Ordinal).Count() != CheckCalls || ids.Contains(grantDecisionIds[u]))
                    problems.Add($"use {u}: decision ids repeat, expected a fresh one per call");
                if (remaining.Any(r => r != 0))
                    problems.Add($"use {u}: uses left after a decision, expected none (GRANT_MAX_USES_DEFAULT=1)");
            }
            else
            {
                if (ids.Any(id => id != grantDecisionIds[u]))
                    problems.Add($"use {u}: a decision id differs from the grant's, so a grant was replaced");
                var expected = first[u].RemainingUses;
                for (var i = 0; i < remaining.Count; i++)
                {
                    if (remaining[i] != --expected)
                    {
                        problems.Add($"use {u}: call {i} left {remaining[i]} uses, expected {expected}");
                        break;
                    }
                }
            }
        }

        var (hits, misses, pdpCalls) = !pepCase.Enforce ? (0, 0, 0) : pepCase.Hit ? (CheckCalls * uses, 0, 0) : (0, CheckCalls * uses, CheckCalls);
        if (count.Hits != hits || count.Misses != misses)
            problems.Add($"{count.Hits} hits and {count.Misses} misses, expected {hits} and {misses}");
        if (evaluations != pdpCalls)
            problems.Add($"{evaluations} PDP evaluations, expected {pdpCalls}");

        var state = redisUrl is null ? "in memory" : $"Redis {redisUrl}" + (ownGarnet is null ? "" : " (Garnet in this process)");
        var summary = $"{CheckCalls} calls: {count}, {evaluations} PDP evaluations; grant state {state}";
        Report($"setup: {summary}", problems);
    }

    private async Task CleanupAsync()
    {
        try
        {
            var count = counters!.Read();
            var problems = new List<string>();
            if (count.Decisions == 0 || count.Decisions % pepCase.Uses != 0)
                problems.Add("no decisions counted, or not a whole number of calls");
            if (count.Denies != 0)
                problems.Add("a decision was a deny");
            if (!pepCase.Enforce && (count.Hits != 0 || count.Misses != 0))
                problems.Add("authorization is off, yet the grant cache was asked");
            if (pepCase.Enforce && pepCase.Hit && (count.Misses != 0 || count.Hits != count.Decisions))
                problems.Add("not every use was a grant-cache hit");
            if (pepCase.Enforce && !pepCase.Hit && (count.Hits != 0 || count.Misses != count.Decisions))
                problems.Add("not every use was a miss (a fresh PDP decision)");
            if (pepCase.Enforce && pepCase.Hit)
            {
                var after = await DecideAllAsync();
                for (var u = 0; u < after.Count; u++)
                {
                    if (after[u].DecisionId != grantDecisionIds[u])
                        problems.Add($"use {u}: the grant made in setup was replaced during the run");
                }
            }
            var pdpCalls = pepCase.Enforce && !pepCase.Hit ? count.Misses / pepCase.Uses : 0;
            Report($"run: {count.Decisions / pepCase.Uses:N0} calls, {count}, {pdpCalls:N0} PDP evaluations", problems);
        }
        finally
        {
            await requestAborted.CancelAsync();
            if (host is not null)
                await host.DisposeAsync();
            counters?.Dispose();
            ownGarnet?.Dispose();
            requestAborted.Dispose();
            if (workDir is not null)
                Directory.Delete(workDir, recursive: true);
        }
    }

    private async Task<IReadOnlyList<AccessDecision>> DecideAllAsync() =>
        (await pep.AuthorizeAsync(pepCase.Copy ? copyUses : readUses, caller, PepHost.NoAttributes, requestAborted.Token)).Decisions;

    private void Report(string what, List<string> problems)
    {
        var verdict = problems.Count == 0 ? "OK" : "FAILED: " + string.Join("; ", problems);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{CheckPrefix} [{Case}] {what}: {verdict}"));
        if (problems.Count > 0)
            throw new InvalidOperationException($"{CheckPrefix} [{Case}] failed: {string.Join("; ", problems)}");
    }

    /// <summary>
    /// The policy file: the deny rule of the shipped sample (so every question is checked against a
    /// deny first, as in any real file), then a permit whose grants outlast the run (hits) and one
    /// without obligations (misses: GRANT_MAX_USES_DEFAULT=1 makes each grant good for one use).
    /// </summary>
    internal const string PolicyText = """
        version: 1
        rules:
          - id: nobody-destroys-prod-versions
            effect: deny
            resources: ["yaml://secret/prod/*"]
            purposes: [destroy_versions]
          - id: bench-hit
            description: "grants that outlast the run: every use after the first is a grant-cache hit"
            subjects: [svc-bench]
            resources: ["yaml://secret/bench/hit/*"]
            purposes: [execute, read, write]
            obligations:
              max_uses: 1000000000
              ttl_seconds: 86400
          - id: bench-miss
            description: "no obligations: one use per grant (GRANT_MAX_USES_DEFAULT=1), so every use is a fresh decision"
            subjects: [svc-bench]
            resources: ["yaml://secret/bench/miss/*"]
            purposes: [execute, read, write]
        """;
}
