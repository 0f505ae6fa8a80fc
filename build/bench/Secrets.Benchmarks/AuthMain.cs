using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks auth [BenchmarkDotNet arguments]</c>: <see cref="AuthBenchmarks"/> in process (the host is a
/// WebApplicationFactory on Kestrel, so no generated project), then the closed-loop load of <see cref="AuthLoad"/>,
/// then the ratios (auth-ratios.md next to BenchmarkDotNet's reports). Exit 1 when a case or a check fails.
/// </summary>
internal static class AuthMain
{
    public static async Task<int> RunAsync(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15).AsDefault());
        var summary = BenchmarkRunner.Run<AuthBenchmarks>(config, args);
        var passed = summary.Reports.Length > 0 && summary.Reports.All(r => r.Success);
        var ratios = AuthRatios.Write(summary);
        Console.WriteLine();
        Console.WriteLine(ratios);

        var seconds = int.Parse(Environment.GetEnvironmentVariable("AUTH_LOAD_SECONDS") ?? "10", CultureInfo.InvariantCulture);
        var clients = int.Parse(Environment.GetEnvironmentVariable("AUTH_LOAD_CLIENTS") ?? "16", CultureInfo.InvariantCulture);
        var load = await AuthLoad.RunAsync(clients, TimeSpan.FromSeconds(seconds));
        Console.WriteLine(load);
        var resultsDir = summary.ResultsDirectoryPath;
        Directory.CreateDirectory(resultsDir);
        File.WriteAllText(Path.Combine(resultsDir, "auth-ratios.md"), ratios + Environment.NewLine + load);
        return passed && !load.Contains("FAILED", StringComparison.Ordinal) ? 0 : 1;
    }
}
