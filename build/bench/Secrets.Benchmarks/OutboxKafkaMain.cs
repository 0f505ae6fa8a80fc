using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Secrets.Benchmarks;

/// <summary>
/// <c>Secrets.Benchmarks outbox-kafka [BenchmarkDotNet arguments]</c>: <see cref="OutboxKafkaBenchmarks"/> in process
/// (each iteration one run of 500,000 events), then events appended and delivered per second and the append latency's
/// 99th percentile (outbox-kafka-ratios.md next to BenchmarkDotNet's reports). Exit 1 when a case fails.
/// </summary>
internal static class OutboxKafkaMain
{
    public const double GoalEventsPerSecond = 50_000;

    public static int Run(string[] args) => InProcessRun.Run<OutboxKafkaBenchmarks>(args, 1, 5, Rates, "outbox-kafka-ratios.md", once: true);

    private static string Rates(Summary summary)
    {
        var text = new StringBuilder();
        text.AppendLine("| appenders | events | events/s appended and delivered (median) | slowest iteration | append p99 ms (median of iterations) | goal | met |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | --- | :---: |");
        foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
        {
            var appenders = (int)report.BenchmarkCase.Parameters["Appenders"];
            var stats = report.ResultStatistics!;
            var median = OutboxKafkaBenchmarks.Events / (stats.Median / 1e9);
            var slowest = OutboxKafkaBenchmarks.Events / (stats.Max / 1e9);
            var p99s = OutboxKafkaBenchmarks.AppendP99Ms.TryGetValue(appenders, out var q) ? q.Order().ToArray() : [];
            var p99 = p99s.Length > 0 ? p99s[p99s.Length / 2] : double.NaN;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {appenders} | {OutboxKafkaBenchmarks.Events:#,0} | {median:#,0} | {slowest:#,0} | {p99:0.00} | >= {GoalEventsPerSecond:#,0} events/s | {(median >= GoalEventsPerSecond ? "yes" : "no")} |"));
        }
        return text.ToString();
    }
}
