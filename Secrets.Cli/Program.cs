using Secrets.Cli;

// The process's console: colours and progress on a terminal, plain lines when piped (docs/CLI.md).
var io = CliIo.Over(Console.Out, Console.Error, Console.In, interactive: !Console.IsOutputRedirected);
return await Cli.RunAsync(args, io, Environment.GetEnvironmentVariable);
