using System.CommandLine;
using Secrets.Audit.Integrity;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary>
/// <c>audit tail</c>: the service's event stream, one line per event (no values); <c>verify-audit</c>: the audit
/// stream's tamper evidence checked offline, by the same verifier as the service's own <c>verify-audit</c> command.
/// </summary>
internal static class AuditCommands
{
    public static Command VerifyAudit(CommandRunner run, Func<string, string?> environment)
    {
        var files = new Argument<string[]>("export") { Description = "Exports of audit events, one JSON object per line; - reads standard input", Arity = ArgumentArity.ZeroOrMore };
        var keys = new Option<string[]>("--keys") { Description = "A JWK Set of the nodes' checkpoint keys, a file or URL; repeats. Default: the server's GET /api/secrets/audit/keys", AllowMultipleArgumentsPerToken = false };
        var kafka = new Option<string?>("--kafka") { Description = "Read an audit topic from these Kafka bootstrap servers (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_SSL_* apply)" };
        var topic = new Option<string?>("--topic") { Description = "The audit topic (default <KAFKA_TOPIC_PREFIX>.secrets.audit)" };
        var at = new Option<string?>("--at") { Description = "When the export was taken, ISO 8601 (default: its newest event time)" };
        var every = new Option<int?>("--every") { Description = "Checkpoint rule of a node with no checkpoint yet: events (default AUDIT_CHECKPOINT_EVERY)" };
        var seconds = new Option<int?>("--seconds") { Description = "…and seconds (default AUDIT_CHECKPOINT_SECONDS)" };
        var command = new Command("verify-audit",
            "Verify exported or Kafka-held audit events: hash chain, seq, signed checkpoints. Exit 0 intact, 1 a problem found, 2 cannot run")
            { files, keys, kafka, topic, at, every, seconds };
        run.Action(command, async (c, p, ct) =>
        {
            var args = new List<string>(p.GetValue(files) ?? []);
            var keySources = p.GetValue(keys) ?? [];
            string? fetched = null;
            try
            {
                if (keySources.Length == 0)
                {
                    fetched = Path.GetTempFileName();
                    await File.WriteAllTextAsync(fetched, (await c.Client.AuditKeysAsync(ct)).ToJsonString(), ct);
                    keySources = [fetched];
                }
                foreach (var source in keySources)
                    args.AddRange(["--keys", source]);
                Add(args, "--kafka", p.GetValue(kafka));
                Add(args, "--topic", p.GetValue(topic));
                Add(args, "--at", p.GetValue(at));
                Add(args, "--every", p.GetValue(every)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(args, "--seconds", p.GetValue(seconds)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return await VerifyAuditCommand.RunAsync(args, environment, c.Io.Plain, c.Io.Error, ct);
            }
            finally
            {
                if (fetched is not null)
                    File.Delete(fetched);
            }
        });
        return command;
    }

    private static void Add(List<string> args, string option, string? value)
    {
        if (value is not null)
            args.AddRange([option, value]);
    }

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
