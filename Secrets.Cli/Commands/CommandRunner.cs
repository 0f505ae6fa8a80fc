using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Client;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary>
/// Runs one command's work with its <see cref="CliContext"/> and turns failures into an exit code and one line on
/// stderr: the problem's code, status and correlation id — never a value (docs/CLI.md#exit-codes).
/// </summary>
internal sealed class CommandRunner(CliIo io, Func<string, string?> environment, HttpMessageHandler? handler)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public CliIo Io => io;

    /// <summary>The environment the tool reads its settings from (the process's, or a test's).</summary>
    public Func<string, string?> Environment => environment;

    public void Action(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> work) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var context = CliContext.From(parse, io, environment, handler);
                return await work(context, parse, ct);
            }
            catch (SecretsApiException problem)
            {
                await io.Error.WriteLineAsync($"error: {problem.Code} ({(int)problem.Status})"
                    + (problem.CorrelationId is null ? "" : $", correlation id {problem.CorrelationId}"));
                return ExitCodes.For(problem.Status);
            }
            catch (HttpRequestException ex)
            {
                await io.Error.WriteLineAsync($"error: the service cannot be reached ({ex.HttpRequestError})");
                return ExitCodes.Unreachable;
            }
            catch (CliUsageException usage)
            {
                await io.Error.WriteLineAsync("error: " + usage.Message);
                return ExitCodes.Usage;
            }
        });

    /// <summary>JSON output: the answer as the service gave it, indented.</summary>
    public static void Json<T>(CliContext context, T answer) =>
        context.Io.Out.WriteLine(answer is JsonNode node ? node.ToJsonString(Indented) : JsonSerializer.Serialize(answer, SecretsClientJson.Options));

    /// <summary>Table output: a two-column table of names and values.</summary>
    public static void Fields(CliContext context, params (string Name, string? Value)[] rows)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        foreach (var (name, value) in rows)
            table.AddRow(Markup.Escape(name), Markup.Escape(value ?? "–"));
        context.Io.Out.Write(table);
    }
}

/// <summary>Bad arguments a parser cannot see (a pair without '=', a value and --generate together): exit code 2.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
