using System.Diagnostics;
using System.Globalization;
using Secrets.Testing;
using Xunit.Abstractions;

namespace Secrets.Host.Tests.Reliability;

[CollectionDefinition(nameof(FaultsSmokeCollection), DisableParallelization = true)]
public sealed class FaultsSmokeCollection;

/// <summary>
/// <c>build/faults.sh --smoke</c> (docs/BENCHMARKS.md#faults-under-load) on the host and helpers of this test's own build
/// output: the provider answering 503, the PDP paused past its timeout, Kafka down and Redis restarted, each under a
/// steady load. Alone (no other test class runs meanwhile), since its latencies and recovery times are measured.
/// </summary>
[Collection(nameof(FaultsSmokeCollection))]
public sealed class FaultsSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] SmokeFaults = ["provider-503", "pdp-pause", "kafka-down", "redis-restart"];

    [Fact]
    public async Task Every_dependency_fault_ends_in_typed_answers_without_leaked_values_or_lost_audit_and_heals_within_5_seconds()
    {
        var start = new ProcessStartInfo("bash", [RepoPaths.Of("build", "faults.sh"), "--smoke"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["FAULTS_BIN"] = AppContext.BaseDirectory;
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await script.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            throw;
        }
        var table = await stdout;
        output.WriteLine(table);
        output.WriteLine(await stderr);

        script.ExitCode.ShouldBe(0, table);
        var rows = Rows(table);
        rows.Keys.ShouldBe(SmokeFaults, ignoreOrder: true);
        foreach (var (fault, row) in rows)
        {
            int.Parse(row[1], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, fault);   // requests made
            row[6].ShouldBe("0", $"{fault}: raw 5xx");
            double.Parse(row[8], CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(5.0, $"{fault}: recovery");
            row[9].ShouldBe("0", $"{fault}: served on a failed check");
            row[10].ShouldBe("0", $"{fault}: audit events lost");
        }
        rows["provider-503"][4].ShouldContain("503 PROVIDER_UNAVAILABLE");
        rows["pdp-pause"][4].ShouldContain("503 PDP_UNAVAILABLE");
        rows["redis-restart"][4].ShouldContain("503 GRANT_STATE_UNAVAILABLE");
        rows["kafka-down"][4].ShouldBe("none");   // the outbox holds the events: reads go on
        table.ShouldContain("verify-audit over the topic: ok");
    }

    /// <summary>The fault table's rows by fault: the cells of each, trimmed.</summary>
    private static Dictionary<string, string[]> Rows(string table) =>
        table.Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && SmokeFaults.Any(f => line.StartsWith($"| {f} |", StringComparison.Ordinal)))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0]);
}
