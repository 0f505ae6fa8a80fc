namespace Secrets.Cli;

/// <summary>
/// The <c>secrets</c> tool as a library call, for a program that offers its commands as its own: the service's
/// <c>backup</c> and <c>restore</c> commands are this tool's, so the two never differ.
/// </summary>
public static class SecretsTool
{
    /// <summary>
    /// Runs <paramref name="args"/> (a command and its options, as on the tool's command line) and returns the exit code
    /// (docs/CLI.md#exit-codes). <paramref name="interactive"/>: a terminal (colours, progress bars) or plain lines.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, bool interactive,
        HttpMessageHandler? handler = null, CancellationToken ct = default) =>
        Cli.RunAsync(args, CliIo.Over(output, error, TextReader.Null, interactive), environment, handler, ct);
}
