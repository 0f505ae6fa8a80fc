using System.CommandLine;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary><c>audit tail</c>: the service's event stream, one line per event (no values).</summary>
internal static class AuditCommands
{
    public static Command Audit(CommandRunner run)
    {
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many events (default: follow until interrupted)" };
        var tail = new Command("tail", "Follow the audit events as they happen (GET /api/secrets/events, where the service has it on)") { count };
        run.Action(tail, async (c, p, ct) =>
        {
            var limit = p.GetValue(count);
            var seen = 0;
            if (limit is <= 0)
                return ExitCodes.Ok;
            await foreach (var e in c.Client.EventsAsync(ct))
            {
                if (e.Type == "AUDIT_CHECKPOINT")
                    continue;
                var data = e.CloudEvent?["data"];
                if (c.Format == OutputFormat.Json)
                {
                    c.Io.Plain.WriteLine(data?.ToJsonString() ?? "null");
                }
                else
                {
                    c.Io.Out.MarkupLine($"{Markup.Escape(e.Id ?? "")} [bold]{Markup.Escape(e.Type)}[/] {Markup.Escape(Str(data, "effect"))} "
                        + $"subject={Markup.Escape(Str(data, "subject"))} purpose={Markup.Escape(Str(data, "purpose"))} "
                        + $"resource_ref={Markup.Escape(Str(data, "resource_ref"))} code={Markup.Escape(Str(data, "error_code"))}");
                }
                if (++seen == limit)
                    break;
            }
            return ExitCodes.Ok;
        });
        return new Command("audit", "The audit trail") { tail };
    }

    private static string Str(System.Text.Json.Nodes.JsonNode? data, string name) =>
        data?[name] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : "-";
}
