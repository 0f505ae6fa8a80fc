using BenchmarkDotNet.Reports;
using Secrets.Benchmarks;

internal static class Checks
{
    /// <summary>
    /// Every case produced results; every PEP case logged "PEP check [case] setup: … OK" and
    /// "PEP check [case] run: … OK", and no check line says FAILED.
    /// </summary>
    public static bool AllPassed(Summary summary)
    {
        var log = File.Exists(summary.LogFilePath) ? File.ReadAllLines(summary.LogFilePath) : [];
        var passed = true;
        foreach (var failed in log.Where(line => line.StartsWith(PepDecisionBenchmarks.CheckPrefix, StringComparison.Ordinal) && line.Contains("FAILED", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(failed);
            passed = false;
        }
        foreach (var report in summary.Reports)
        {
            if (!report.Success)
            {
                Console.Error.WriteLine($"{report.BenchmarkCase.DisplayInfo} did not produce results");
                passed = false;
            }
            if (!report.BenchmarkCase.HasParameters)
                continue;
            var name = (string)report.BenchmarkCase.Parameters["Case"];
            foreach (var stage in new[] { "setup", "run" })
            {
                var prefix = $"{PepDecisionBenchmarks.CheckPrefix} [{name}] {stage}:";
                if (!log.Any(line => line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith(": OK", StringComparison.Ordinal)))
                {
                    Console.Error.WriteLine($"{prefix} no OK line in {summary.LogFilePath}");
                    passed = false;
                }
            }
        }
        return passed;
    }
}
