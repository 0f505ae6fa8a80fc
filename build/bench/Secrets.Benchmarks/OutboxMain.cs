using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks outbox [BenchmarkDotNet arguments]</c>: <see cref="OutboxBenchmarks"/> in process, then events
/// and fsyncs per second for each number of appenders (outbox-ratios.md next to BenchmarkDotNet's reports). Exit 1 when
/// a case fails.
/// </summary>
internal static class OutboxMain
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(10).AsDefault());
        var summary = BenchmarkRunner.Run<OutboxBenchmarks>(config, args);
        var passed = summary.Reports.Length > 0 && summary.Reports.All(r => r.Success);
        var rates = Rates(summary);
        Console.WriteLine();
        Console.WriteLine(rates);
        Directory.CreateDirectory(summary.ResultsDirectoryPath);
        File.WriteAllText(Path.Combine(summary.ResultsDirectoryPath, "outbox-ratios.md"), rates);
        return passed ? 0 : 1;
    }

    private static string Rates(Summary summary)
    {
        var text = new StringBuilder();
        text.AppendLine("| appenders | events/s (median) | events per fsync | fsyncs/s |");
        text.AppendLine("| ---: | ---: | ---: | ---: |");
        foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
        {
            var appenders = (int)report.BenchmarkCase.Parameters["Appenders"];
            var perOperation = appenders * OutboxBenchmarks.PerAppender;
            var eventsPerSecond = perOperation / (report.ResultStatistics!.Median / 1e9);
            var perFsync = OutboxBenchmarks.Totals.TryGetValue(appenders, out var totals) && totals.Fsyncs > 0
                ? (double)totals.Events / totals.Fsyncs
                : double.NaN;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {appenders} | {eventsPerSecond:#,0} | {perFsync:0.0} | {eventsPerSecond / perFsync:#,0} |"));
        }
        return text.ToString();
    }
}
