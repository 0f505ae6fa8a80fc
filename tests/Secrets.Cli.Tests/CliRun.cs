using Secrets.Testing;

namespace Secrets.Cli.Tests;

/// <summary>One run of the tool in this process against a test host: its exit code, what it printed and what it complained about.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(SecretsHostFactory host, string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.RunAsync(["--server", "http://localhost", .. args], CliIo.Over(output, error, new StringReader(stdin), interactive: false, width: 200),
            _ => null, host.Server.CreateHandler());
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(SecretsHostFactory host, params string[] args) => RunAsync(host, "", args);
}
