using System.Globalization;
using BenchmarkDotNet.Running;
using Secrets.Benchmarks;

// Runs PepDecisionBenchmarks and DecisionPartsBenchmarks (arguments go to BenchmarkDotNet, e.g.
// --filter, --artifacts), then writes the ratios that matter next to BenchmarkDotNet's reports
// (pep-ratios.md) and checks that every PEP case logged its two "PEP check … OK" lines and none failed. One Garnet for every Redis case runs here, in
// the runner process, so each measured process holds only the client side (its allocations are the
// PEP's own); PEP_BENCH_REDIS_URL set by the caller points the Redis cases elsewhere instead.
// "auth" first: the authentication benchmarks and load loop instead (build/bench-auth.sh).
if (args is ["auth", .. var authArgs])
    return await AuthMain.RunAsync(authArgs);
// "listing" first: the filtered-listing benchmarks instead (build/bench-listing.sh).
if (args is ["listing", .. var listingArgs])
    return ListingMain.Run(listingArgs);
// "client" first: the .NET client's read and cache-hit cost against a raw HttpClient (build/bench-client.sh).
if (args is ["client", .. var clientArgs])
    return ClientMain.Run(clientArgs);
// "outbox" first: the audit outbox's append benchmarks instead (build/bench-outbox.sh).
if (args is ["outbox", .. var outboxArgs])
    return OutboxMain.Run(outboxArgs);
// "outbox-kafka" first: the outbox and the Kafka relay together, events appended and delivered (build/bench-outbox.sh kafka).
if (args is ["outbox-kafka", .. var outboxKafkaArgs])
    return OutboxKafkaMain.Run(outboxKafkaArgs);
// "kafka-mock": librdkafka's mock cluster for build/bench.sh's durable host; its bootstrap servers go to the file, and it
// lives until this process is stopped.
if (args is ["kafka-mock", var bootstrapFile])
{
    using var cluster = new Secrets.Testing.Kafka.MockKafkaCluster(1);
    File.WriteAllText(bootstrapFile, cluster.BootstrapServers);
    await Task.Delay(Timeout.Infinite);
}
// "mint" and "proofs": the tokens of build/bench.sh's bearer and DPoP passes.
if (args is ["mint", var mintDir])
    return LoadTokens.Mint(mintDir);
if (args is ["proofs", var proofDir, var htu, var count, var file])
    return LoadTokens.Proofs(proofDir, htu, int.Parse(count, CultureInfo.InvariantCulture), file);

GarnetForBench? garnet = null;
var redisUrl = Environment.GetEnvironmentVariable(PepDecisionBenchmarks.RedisUrlVariable);
if (string.IsNullOrEmpty(redisUrl))
{
    garnet = GarnetForBench.Start();
    Environment.SetEnvironmentVariable(PepDecisionBenchmarks.RedisUrlVariable, garnet.ConnectionString);   // inherited by the benchmark processes
    Console.WriteLine($"PEP bench: the Redis cases use Garnet in this runner process at {garnet.ConnectionString}");
}
else
{
    Console.WriteLine($"PEP bench: the Redis cases use {PepDecisionBenchmarks.RedisUrlVariable}={redisUrl}");
}

try
{
    var summaries = BenchmarkRunner.Run([typeof(PepDecisionBenchmarks), typeof(DecisionPartsBenchmarks)], config: null, args);
    if (summaries.Length == 0 || summaries.All(s => s.Reports.Length == 0))
        return 1;
    var ratios = Ratios.Write(summaries);
    Console.WriteLine();
    Console.WriteLine(ratios);
    File.WriteAllText(Path.Combine(summaries[0].ResultsDirectoryPath, "pep-ratios.md"), ratios);
    return summaries.All(Checks.AllPassed) ? 0 : 1;
}
finally
{
    garnet?.Dispose();
}
