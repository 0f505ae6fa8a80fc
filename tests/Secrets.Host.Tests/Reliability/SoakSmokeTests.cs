using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Secrets.Testing;
using WireMock.RequestBuilders;

namespace Secrets.Host.Tests.Reliability;

/// <summary>
/// build/soak.sh (docs/BENCHMARKS.md#soak) in CI: its smoke mode against the host of this test run's own build, and its
/// load generator's verdict against a scripted server that answers wrongly.
/// </summary>
public sealed partial class SoakSmokeTests
{
    /// <summary>The host and the load generator as this test run built them (Debug or Release): no second build.</summary>
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "Secrets.Host.dll");
    private static readonly string SoakDll = Path.Combine(AppContext.BaseDirectory, "Secrets.Soak.dll");

    [Fact]
    public async Task Smoke_soak_gets_only_expected_answers_and_the_host_survives()
    {
        var (code, output) = await RunAsync("bash", [RepoPaths.Of("build", "soak.sh"), "--smoke"], TimeSpan.FromMinutes(3), new()
        {
            ["SOAK_HOST_DLL"] = HostDll,
            ["SOAK_TOOL_DLL"] = SoakDll,
        });

        code.ShouldBe(0, output);
        output.ShouldContain("soak: OK");
        var rows = SampleRow().Matches(output).Select(m => m.Groups).ToList();
        rows.Count.ShouldBeGreaterThanOrEqualTo(5, output);                                   // t = 0 and one every 10 s of 50
        rows.ShouldAllBe(r => r["errors"].Value == "0", output);
        rows.Skip(1).ShouldAllBe(r => double.Parse(r["rps"].Value, CultureInfo.InvariantCulture) > 0, output);
        foreach (var operation in new[] { "read-yaml", "read-kv2", "write-kv2", "write-yaml", "rotate-kv2", "rotate-yaml", "list-kv2", "list-yaml" })
            output.ShouldMatch($@"\| {operation} \| 2xx \| [1-9][0-9]* \| 200 ×[1-9][0-9]* \|");   // answered, and only with 200
        foreach (var operation in new[] { "deny-subject", "deny-purpose" })
            output.ShouldMatch($@"\| {operation} \| 403 \| [1-9][0-9]* \| 403 ×[1-9][0-9]* \|");
        output.ShouldContain("| 0 unexpected |");
    }

    [Fact]
    public async Task Soak_fails_naming_each_operation_that_got_an_unexpected_answer_and_a_host_that_died()
    {
        // Every request answered 200 but rotations (500): the refusals were not refused, the rotations failed raw.
        using var server = ScriptedHttp.Start();
        server.Given(Request.Create().UsingPost().WithPath("/api/secrets/rotate")).RespondWith(ScriptedHttp.Json(500, """{"title":"boom"}"""));
        server.Given(Request.Create().UsingAnyMethod()).AtPriority(100).RespondWith(ScriptedHttp.Json(200, "{}"));
        var dir = Directory.CreateTempSubdirectory("soak-verdict").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "app.txt"), "app-token");
        await File.WriteAllTextAsync(Path.Combine(dir, "intruder.txt"), "intruder-token");
        using var host = Process.Start("sleep", "3");   // the "host" process: it ends while the load runs
        try
        {
            var (code, output) = await RunAsync("dotnet", [SoakDll, "run", "--url", server.Url!, "--pid", host.Id.ToString(CultureInfo.InvariantCulture),
                "--tokens", dir, "--out", dir, "--rate", "100", "--duration", "8", "--sample", "1"], TimeSpan.FromMinutes(1));

            code.ShouldBe(1, output);
            output.ShouldNotContain("soak: OK");
            output.ShouldMatch(@"soak: FAILED: rotate-kv2: [1-9][0-9]* answers other than 2xx \(500 ×[1-9][0-9]*\)");
            output.ShouldMatch(@"soak: FAILED: rotate-yaml: [1-9][0-9]* answers other than 2xx \(500 ×[1-9][0-9]*\)");
            output.ShouldMatch(@"soak: FAILED: deny-subject: [1-9][0-9]* answers other than 403 \(200 ×[1-9][0-9]*\)");
            output.ShouldMatch(@"soak: FAILED: deny-purpose: [1-9][0-9]* answers other than 403 \(200 ×[1-9][0-9]*\)");
            output.ShouldContain("rotate-kv2 answered 500: {\"title\":\"boom\"}");
            output.ShouldContain("soak: FAILED: the host died during the run");
            output.ShouldNotContain("FAILED: read-yaml");
            File.ReadAllLines(Path.Combine(dir, "samples.csv"))[0].ShouldBe("t_s,rss_mb,gc_heap_mb,gen2,threads,handles,rps,p99_ms,errors");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A row of the sample table: | time s | RSS MB | GC heap MB | gen2 GCs | threads | handles | req/s | p99 ms | errors |.</summary>
    [GeneratedRegex(@"^\| (?<t>\d+) \| (?<rss>[\d.]+) \| (?<heap>[\d.–]+) \| (?<gen2>[\d–]+) \| (?<threads>\d+) \| (?<handles>\d+) \| (?<rps>\d+) \| (?<p99>[\d.]+) \| (?<errors>\d+) \|$", RegexOptions.Multiline)]
    private static partial Regex SampleRow();

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, TimeSpan limit, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("SOAK_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);   // the script's own smoke defaults, whatever the machine's shell set
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await output + await error);
    }
}
