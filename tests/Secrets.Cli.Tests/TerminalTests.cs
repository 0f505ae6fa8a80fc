using System.Diagnostics;
using System.Net.Http.Json;
using Secrets.Testing;

namespace Secrets.Cli.Tests;

/// <summary>
/// The tool on a real terminal: tmux (Debian's package, installed when missing) runs <c>secrets backup</c> and
/// <c>secrets restore --dry-run</c> against a started host, and the captured screen shows what a person sees — the
/// progress bar finished at 100 %, and restore's report as a table with borders — while the same commands piped print
/// plain lines without escape codes. Nothing on either screen holds a value.
/// </summary>
public sealed class TerminalTests : IDisposable
{
    private const string Canary = "canary-tty-61c";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-cli-tty", Guid.NewGuid().ToString("N"));
    private readonly string socket = "secrets-cli-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string root = "openbao+kv2://secret/tty-" + Guid.NewGuid().ToString("N")[..8];
    private readonly SecretsHostFactory host;
    private string? tmux;

    public TerminalTests()
    {
        Directory.CreateDirectory(dir);
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["BACKUP_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        }).OnKestrel();
        host.StartServer();
    }

    public void Dispose()
    {
        if (tmux is not null)
            Run(tmux, "-L", socket, "kill-server");
        host.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private string Tool => Path.Combine(AppContext.BaseDirectory, "secrets.dll");

    private string Server => host.ClientOptions.BaseAddress.ToString();

    private async Task SeedAsync()
    {
        using var client = host.CreateClient();
        for (var i = 0; i < 12; i++)
            (await client.PostAsJsonAsync("/api/secrets", new { uri = $"{root}/s{i}", value = new { token = $"{Canary}-{i}" } })).EnsureSuccessStatusCode();
    }

    /// <summary>Runs the commands in one tmux window of 150×50 with a UTF-8 locale, and returns the screen once both exited.</summary>
    private async Task<string> OnTerminalAsync(string archive)
    {
        tmux = await DebianPackages.EnsureAsync("tmux", "tmux");
        var script = Path.Combine(dir, "session.sh");
        await File.WriteAllTextAsync(script, $"""
            export LANG=C.UTF-8 TERM=xterm-256color
            dotnet '{Tool}' backup --prefix '{root}/*' --out '{archive}' --server '{Server}'; echo "backup-exit=$?"
            dotnet '{Tool}' restore --in '{archive}' --dry-run --server '{Server}'; echo "restore-exit=$?"
            sleep 120
            """);
        Run(tmux, "-L", socket, "new-session", "-d", "-s", "cli", "-x", "150", "-y", "50", "bash " + script).ShouldBe(0);
        var screen = "";
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!screen.Contains("restore-exit=", StringComparison.Ordinal) && DateTime.UtcNow < until)
        {
            await Task.Delay(250);
            screen = Capture(tmux);
        }
        return screen;
    }

    private string Capture(string program)
    {
        var start = new ProcessStartInfo(program, ["-L", socket, "capture-pane", "-p", "-J", "-t", "cli", "-S", "-50"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    private static int Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    [Fact]
    public async Task On_a_terminal_backup_draws_a_finished_progress_bar_and_restore_a_bordered_table()
    {
        await SeedAsync();
        var archive = Path.Combine(dir, "tty.spbak");

        var screen = await OnTerminalAsync(archive);

        screen.ShouldContain("backup-exit=0", customMessage: screen);
        screen.ShouldContain("restore-exit=0", customMessage: screen);
        var lines = screen.Split('\n');
        // the bar: its description, the bar drawn in heavy lines, and 100 % once every path arrived
        lines.ShouldContain(l => l.Contains("paths 12/12", StringComparison.Ordinal) && l.Contains("━━━━", StringComparison.Ordinal)
            && l.Contains("100%", StringComparison.Ordinal), customMessage: screen);
        lines.ShouldContain(l => l.Contains("upload", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal), customMessage: screen);
        // the report: a rounded table with its header and one row per path
        lines.ShouldContain(l => l.TrimStart().StartsWith('╭'), customMessage: screen);
        lines.ShouldContain(l => l.Contains("│ uri", StringComparison.Ordinal) && l.Contains("│ action", StringComparison.Ordinal), customMessage: screen);
        lines.Count(l => l.Contains("│ unchanged", StringComparison.Ordinal)).ShouldBe(12, screen);
        lines.ShouldContain(l => l.TrimStart().StartsWith('╰'), customMessage: screen);
        screen.ShouldContain("restore (dry run): 12 paths: 0 create, 0 update, 12 unchanged, 0 failed");
        screen.ShouldNotContain(Canary);
        File.Exists(archive).ShouldBeTrue();
    }

    [Fact]
    public async Task Piped_the_same_commands_print_plain_lines_without_escape_codes_or_borders()
    {
        await SeedAsync();
        var archive = Path.Combine(dir, "piped.spbak");

        var backup = await PipedAsync("backup", "--prefix", root + "/*", "--out", archive, "--server", Server);
        var restore = await PipedAsync("restore", "--in", archive, "--dry-run", "--server", Server);

        (backup.Code, restore.Code).ShouldBe((0, 0), backup.Err + restore.Err);
        var printed = backup.Out + restore.Out;
        printed.ShouldNotContain("\u001b[");
        printed.ShouldNotContain("━");
        printed.ShouldNotContain("╭");
        backup.Out.ShouldContain($"backup: 12 paths under {root}/*");
        backup.Out.ShouldContain($"backup: 12 paths, {new FileInfo(archive).Length} bytes to {archive}");
        restore.Out.Split('\n').Count(l => l.StartsWith($"unchanged {root}/s", StringComparison.Ordinal)).ShouldBe(12);
        (printed + backup.Err + restore.Err).ShouldNotContain(Canary);
    }

    private async Task<(int Code, string Out, string Err)> PipedAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Tool, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
