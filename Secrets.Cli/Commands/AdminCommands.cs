using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary><c>approve</c> (a gated destroy's second person) and <c>schedules</c> (the rotation schedules with their runs).</summary>
internal static class AdminCommands
{
    public static IEnumerable<Command> All(CommandRunner run) => [Approve(run), Schedules(run)];

    private static Command Approve(CommandRunner run)
    {
        var id = new Argument<string>("approval-id") { Description = "The id a destroy request answered with" };
        var command = new Command("approve", "Approve another subject's pending destroy; the destroy then runs (docs/API.md#gated-destroy)") { id };
        run.Action(command, async (c, p, ct) =>
        {
            await c.Client.ApproveAsync(p.GetValue(id)!, ct);
            if (c.Format == OutputFormat.Json)
                CommandRunner.Json(c, new { approval_id = p.GetValue(id), result = "destroyed" });
            else
                c.Io.Out.WriteLine($"approved and destroyed: {p.GetValue(id)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Schedules(CommandRunner run)
    {
        var command = new Command("schedules", "List the rotation schedules you may see, with their next and last run");
        run.Action(command, async (c, _, ct) =>
        {
            var schedules = await c.Client.SchedulesAsync(ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, schedules);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn("uri").AddColumn("cron").AddColumn("next run").AddColumn("last run");
            foreach (var s in schedules.Schedules)
            {
                var last = s.LastRun is { } r ? $"{Time(r.At)} {r.Outcome}{(r.ErrorCode is null ? "" : " " + r.ErrorCode)}" : "–";
                table.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Uri), Markup.Escape($"{s.Cron} ({s.TimeZone})"),
                    s.Enabled ? Time(s.NextRun) : "disabled", Markup.Escape(last));
            }
            c.Io.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "–";
}
