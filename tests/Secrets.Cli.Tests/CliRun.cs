using Secrets.Testing;
using Spectre.Console;

namespace Secrets.Cli.Tests;

/// <summary>One run of the tool in this process against a test host: its exit code, what it printed and what it complained about.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(SecretsHostFactory host, string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            Interactive = InteractionSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var code = await Cli.RunAsync(["--server", "http://localhost", .. args], new CliIo(console, error, new StringReader(stdin), Interactive: false),
            _ => null, host.Server.CreateHandler());
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(SecretsHostFactory host, params string[] args) => RunAsync(host, "", args);
}
