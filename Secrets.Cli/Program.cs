using Secrets.Cli;
using Spectre.Console;

// The process's console: colours and progress on a terminal, plain lines when piped (docs/CLI.md).
var interactive = !Console.IsOutputRedirected;
var console = AnsiConsole.Create(new AnsiConsoleSettings
{
    Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
    Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
    Out = new AnsiConsoleOutput(Console.Out),
});
return await Cli.RunAsync(args, new CliIo(console, Console.Error, Console.In, interactive), Environment.GetEnvironmentVariable);
