using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks outbox [BenchmarkDotNet arguments]</c>: <see cref="OutboxBenchmarks"/> in process, then events
/// and fsyncs per second for each number of appenders (outbox-ratios.md next to BenchmarkDotNet's reports). Exit 1 when
/// a case fails.
/// </summary>
internal static class OutboxMain
{
    public static int Run(string[] args) => InProcessRun.Run<OutboxBenchmarks>(args, 2, 10, Rates, "outbox-ratios.md");

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
