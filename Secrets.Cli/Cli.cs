using System.CommandLine;
using Secrets.Cli.Commands;

namespace Secrets.Cli;

/// <summary>The <c>secrets</c> tool: its command tree, run with chosen input and output (the process's own, or a test's).</summary>
internal static class Cli
{
    public static RootCommand Build(CommandRunner run)
    {
        var root = new RootCommand("secrets: read, write, rotate and administer secrets through the Secrets Platform API");
        foreach (var option in CliOptions.All)
            root.Options.Add(option);
        foreach (var command in SecretCommands.All(run))
            root.Subcommands.Add(command);
        foreach (var command in ArchiveCommands.All(run).Concat(AdminCommands.All(run)))
            root.Subcommands.Add(command);
        root.Subcommands.Add(AuditCommands.Audit(run));
        root.Subcommands.Add(AuditCommands.VerifyAudit(run, run.Environment));
        root.Subcommands.Add(CompletionCommand.Build(run.Io));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a parse error prints the errors and is exit code 2.</summary>
    public static async Task<int> RunAsync(string[] args, CliIo io, Func<string, string?> environment, HttpMessageHandler? handler = null,
        CancellationToken ct = default)
    {
        var parse = Build(new CommandRunner(io, environment, handler)).Parse(args);
        var invocation = new InvocationConfiguration { Output = io.Plain, Error = io.Error };
        if (parse.Errors.Count > 0 && !parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?"))
        {
            foreach (var error in parse.Errors)
                await io.Error.WriteLineAsync("error: " + error.Message);
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(invocation, ct);
    }
}
