using BenchmarkDotNet.Attributes;
using MassTransit;
using MassTransit.Mediator;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;
using StackExchange.Redis;

namespace Secrets.Benchmarks;

/// <summary>
/// The pieces a decision is made of, measured alone, to read <see cref="PepDecisionBenchmarks"/> by:
/// the mediator hop a miss adds (the embedded PDP with one question), and one Redis round trip as the grant state makes it (a
/// PING, and an EVALSHA of a script that does nothing) on the same Garnet.
/// </summary>
[MemoryDiagnoser]
[GcServer(false)]   // as Secrets.Host runs (workstation GC, Secrets.Host.csproj)
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class DecisionPartsBenchmarks
{
    private readonly CancellationTokenSource requestAborted = new();
    private PepHost? host;
    private GarnetForBench? ownGarnet;
    private ConnectionMultiplexer? redis;
    private IDatabase db = null!;
    private byte[] noopScript = [];
    private string? workDir;
    private IMediator mediator = null!;
    private Caller caller = null!;
    private CanonicalSecretUri uri = null!;
    private RedisKey[] scriptKeys = [];
    private RedisValue[] scriptArgs = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>The PDP question a miss asks (<c>EvaluateAccess</c>, one question) of the embedded PDP.</summary>
    [Benchmark]
    public Task PdpHop() =>
        mediator.SendRequest(new EvaluateAccess(caller, [new AccessQuestion(uri, Purpose.Execute, ResourceAttributes.None)]), requestAborted.Token);

    /// <summary>One Redis round trip: PING.</summary>
    [Benchmark]
    public Task RedisPing() => db.PingAsync();

    /// <summary>One Redis round trip as the grant state makes it: EVALSHA with two keys and two arguments, of a script that only returns.</summary>
    [Benchmark]
    public Task RedisEvalSha() => db.ScriptEvaluateAsync(noopScript, scriptKeys, scriptArgs);

    private async Task SetupAsync()
    {
        workDir = Directory.CreateTempSubdirectory("secrets-bench-parts-").FullName;
        var policyPath = Path.Combine(workDir, "policies.yaml");
        await File.WriteAllTextAsync(policyPath, PepDecisionBenchmarks.PolicyText);
        host = await PepHost.StartAsync(enforce: true, redisUrl: null, policyPath, workDir);
        mediator = host.Mediator;
        caller = PepDecisionBenchmarks.BenchCaller;
        uri = CanonicalSecretUri.Parse("yaml://secret/bench/miss/app#token");

        var redisUrl = Environment.GetEnvironmentVariable(PepDecisionBenchmarks.RedisUrlVariable);
        if (string.IsNullOrEmpty(redisUrl))
        {
            ownGarnet = GarnetForBench.Start();
            redisUrl = ownGarnet.ConnectionString;
        }
        redis = await ConnectionMultiplexer.ConnectAsync(redisUrl);
        db = redis.GetDatabase();
        noopScript = await redis.GetServer(redis.GetEndPoints()[0]).ScriptLoadAsync("return 1");
        scriptKeys = ["secrets:grant:{bench-parts}", "secrets:deny:{bench-parts}"];
        scriptArgs = ["0", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()];

        var verdicts = await mediator.SendRequest(new EvaluateAccess(caller, [new AccessQuestion(uri, Purpose.Execute, ResourceAttributes.None)]));
        if (verdicts.Unavailable || verdicts.Verdicts is not [{ Decision: true }])
            throw new InvalidOperationException("the embedded PDP did not permit the benchmark's question");
        if ((long)await db.ScriptEvaluateAsync(noopScript, scriptKeys, scriptArgs) != 1)
            throw new InvalidOperationException("the no-op script did not answer 1");
    }

    private async Task CleanupAsync()
    {
        await requestAborted.CancelAsync();
        if (host is not null)
            await host.DisposeAsync();
        if (redis is not null)
            await redis.DisposeAsync();
        ownGarnet?.Dispose();
        requestAborted.Dispose();
        if (workDir is not null)
            Directory.Delete(workDir, recursive: true);
    }
}
