using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Secrets.Benchmarks;

/// <summary>
/// One in-process BenchmarkDotNet run of <typeparamref name="TBenchmark"/>, then its own table (printed, and written as
/// <paramref name="tableFile"/> next to BenchmarkDotNet's reports). Exit 1 when a case fails. <paramref name="once"/>: each
/// iteration calls the benchmark once (for an operation of seconds, with its own per-iteration setup).
/// </summary>
internal static class InProcessRun
{
    public static int Run<TBenchmark>(string[] args, int warmups, int iterations, Func<Summary, string> table, string tableFile, bool once = false)
    {
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(warmups).WithIterationCount(iterations);
        if (once)
            job = job.WithInvocationCount(1).WithUnrollFactor(1);
        var config = DefaultConfig.Instance.AddJob(job.AsDefault());
        var summary = BenchmarkRunner.Run<TBenchmark>(config, args);
        var passed = summary.Reports.Length > 0 && summary.Reports.All(r => r.Success);
        var text = table(summary);
        Console.WriteLine();
        Console.WriteLine(text);
        Directory.CreateDirectory(summary.ResultsDirectoryPath);
        File.WriteAllText(Path.Combine(summary.ResultsDirectoryPath, tableFile), text);
        return passed ? 0 : 1;
    }
}
