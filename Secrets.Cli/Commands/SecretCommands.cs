using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Client;
using Secrets.Client.Models;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary>The commands on secrets, as <c>vault kv</c> users know them (docs/CLI.md#commands).</summary>
internal static class SecretCommands
{
    private static readonly Argument<string> Uri = new("uri") { Description = "Canonical secret URI, e.g. openbao+kv2://secret/app#key" };

    public static IEnumerable<Command> All(CommandRunner run) =>
    [
        Get(run), Put(run), Delete(run), Rotate(run), Rollback(run), Versions(run), Metadata(run), Undelete(run), DestroyVersions(run),
        Keys(run), Search(run), Copy(run, move: false), Copy(run, move: true), Bulk(run),
    ];

    private static Command Get(CommandRunner run)
    {
        var version = new Option<int?>("--version") { Description = "Read this KVv2 version" };
        var command = new Command("get", "Print a secret's value: a key's value as it is, a map as a table (the only command that prints values)")
        {
            Uri, version,
        };
        run.Action(command, async (c, p, ct) =>
        {
            var read = await c.Client.ReadAsync(p.GetValue(Uri)!, p.GetValue(version), ct);
            if (c.Format == OutputFormat.Json)
                CommandRunner.Json(c, read);
            else if (read.Value is JsonObject map)
                CommandRunner.Fields(c, [.. map.Select(m => (m.Key, Text(m.Value)))]);
            else
                c.Io.Out.WriteLine(Text(read.Value) ?? "null");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Put(CommandRunner run)
    {
        var values = new Argument<string[]>("value") { Description = "key=value pairs for a path; one value (or - for stdin) for a #key", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<string?>("--json") { Description = "The value as JSON instead (an object for a path)" };
        var cas = new Option<int?>("--cas") { Description = "Check-and-set: write only if the current version is this (0: only if absent)" };
        var command = new Command("put", "Write a secret: a path's whole map, or one key") { Uri, values, json, cas };
        run.Action(command, async (c, p, ct) =>
        {
            var uri = p.GetValue(Uri)!;
            var value = ValueOf(uri, p.GetValue(values) ?? [], p.GetValue(json), c.Io.In);
            Written(c, await c.Client.WriteAsync(uri, value, p.GetValue(cas), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var destroy = new Option<bool>("--destroy") { Description = "Destroy every version and the metadata (irreversible)" };
        var command = new Command("delete", "Soft-delete a secret's latest version (or remove a key); --destroy destroys it all") { Uri, destroy };
        run.Action(command, async (c, p, ct) =>
        {
            var pending = await c.Client.DeleteAsync(p.GetValue(Uri)!, p.GetValue(destroy), ct);
            Done(c, p.GetValue(destroy) ? "destroyed" : "deleted", p.GetValue(Uri)!, pending);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rotate(CommandRunner run)
    {
        var value = new Argument<string[]>("value") { Description = "The new value (key=value pairs for a path; - for stdin)", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<string?>("--json") { Description = "The new value as JSON" };
        var generate = new Option<bool>("--generate") { Description = "Let the service generate the key's new value (it is not printed)" };
        var length = new Option<int>("--length") { Description = "Generated length (1–4096)", DefaultValueFactory = _ => 32 };
        var alphabet = new Option<string>("--alphabet") { Description = "alnum, hex, base64url or symbols", DefaultValueFactory = _ => "alnum" };
        alphabet.AcceptOnlyFromAmong("alnum", "hex", "base64url", "symbols");
        var command = new Command("rotate", "Replace a secret or key with a new value, given or generated") { Uri, value, json, generate, length, alphabet };
        run.Action(command, async (c, p, ct) =>
        {
            var uri = p.GetValue(Uri)!;
            if (p.GetValue(generate))
            {
                if ((p.GetValue(value) ?? []).Length > 0 || p.GetValue(json) is not null)
                    throw new CliUsageException("--generate takes no value");
                Written(c, await c.Client.RotateGeneratedAsync(uri, new GenerateOptions(p.GetValue(length), p.GetValue(alphabet)!), returnValue: false, ct));
            }
            else
            {
                Written(c, await c.Client.RotateAsync(uri, ValueOf(uri, p.GetValue(value) ?? [], p.GetValue(json), c.Io.In), ct));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback(CommandRunner run)
    {
        var to = new Option<int>("--to-version") { Description = "The version whose data becomes the newest", Required = true };
        var command = new Command("rollback", "Write an earlier version's data as the newest version (KVv2)") { Uri, to };
        run.Action(command, async (c, p, ct) =>
        {
            Written(c, await c.Client.RollbackAsync(p.GetValue(Uri)!, p.GetValue(to), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Versions(CommandRunner run)
    {
        var command = new Command("versions", "List a KVv2 secret's versions: created, deleted, destroyed") { Uri };
        run.Action(command, async (c, p, ct) =>
        {
            var versions = await c.Client.VersionsAsync(p.GetValue(Uri)!, ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, versions);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("version").AddColumn("created").AddColumn("deleted").AddColumn("destroyed");
            foreach (var v in versions.Versions)
                table.AddRow(v.Version.ToString(CultureInfo.InvariantCulture), Time(v.CreatedTime), Time(v.DeletionTime), v.Destroyed ? "yes" : "no");
            c.Io.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Metadata(CommandRunner run)
    {
        var command = new Command("metadata", "Show a KVv2 secret's metadata and custom metadata (no values)") { Uri };
        run.Action(command, async (c, p, ct) =>
        {
            var detail = await c.Client.MetadataAsync(p.GetValue(Uri)!, ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, detail);
                return ExitCodes.Ok;
            }
            CommandRunner.Fields(c, [("uri", detail.Uri), ("current_version", detail.CurrentVersion?.ToString(CultureInfo.InvariantCulture)),
                ("created_time", Time(detail.CreatedTime)), ("updated_time", Time(detail.UpdatedTime)), ("versions", detail.Versions.Count.ToString(CultureInfo.InvariantCulture)),
                .. detail.CustomMetadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => ("custom." + m.Key, (string?)m.Value))]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Undelete(CommandRunner run) => VersionsCommand(run, "undelete", "Bring soft-deleted versions back (KVv2)",
        async (c, uri, versions, ct) =>
        {
            await c.Client.UndeleteAsync(uri, versions, ct);
            return null;
        }, "undeleted");

    private static Command DestroyVersions(CommandRunner run) => VersionsCommand(run, "destroy-versions", "Destroy versions for good (KVv2)",
        (c, uri, versions, ct) => c.Client.DestroyVersionsAsync(uri, versions, ct), "destroyed");

    private static Command VersionsCommand(CommandRunner run, string name, string description,
        Func<CliContext, string, IReadOnlyList<int>, CancellationToken, Task<PendingApproval?>> work, string done)
    {
        var versions = new Option<int[]>("--versions") { Description = "Comma-separated versions", Required = true, AllowMultipleArgumentsPerToken = true, CustomParser = ParseVersions };
        var command = new Command(name, description) { Uri, versions };
        run.Action(command, async (c, p, ct) =>
        {
            var pending = await work(c, p.GetValue(Uri)!, p.GetValue(versions)!, ct);
            Done(c, done, p.GetValue(Uri)!, pending);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Keys(CommandRunner run)
    {
        var command = new Command("keys", "List the names one level below a path or prefix (a trailing / marks a folder)") { Uri };
        run.Action(command, async (c, p, ct) =>
        {
            var keys = await c.Client.KeysAsync(p.GetValue(Uri)!, ct);
            if (c.Format == OutputFormat.Json)
                CommandRunner.Json(c, keys);
            else
                keys.Keys.ToList().ForEach(c.Io.Out.WriteLine);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Search(CommandRunner run)
    {
        var query = new Argument<string>("query") { Description = "Text to find in names and keys" };
        var prefix = new Option<string>("--prefix") { Description = "Where to search, e.g. openbao+kv2://secret/*", Required = true };
        var command = new Command("search", "Find secrets and keys by name (no values)") { query, prefix };
        run.Action(command, async (c, p, ct) =>
        {
            var hits = await c.Client.SearchAsync(p.GetValue(query)!, p.GetValue(prefix)!, null, null, ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, hits);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("uri").AddColumn("match");
            foreach (var hit in hits.Items)
                table.AddRow(Markup.Escape(hit.Uri), Markup.Escape(hit.Match));
            c.Io.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Copy(CommandRunner run, bool move)
    {
        var from = new Argument<string>("from") { Description = "Source URI" };
        var to = new Argument<string>("to") { Description = "Destination URI" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing destination" };
        var command = new Command(move ? "move" : "copy", move ? "Copy a secret or key, then soft-delete the source" : "Copy a secret or key") { from, to, overwrite };
        run.Action(command, async (c, p, ct) =>
        {
            var result = move
                ? await c.Client.MoveAsync(p.GetValue(from)!, p.GetValue(to)!, p.GetValue(overwrite), ct)
                : await c.Client.CopyAsync(p.GetValue(from)!, p.GetValue(to)!, p.GetValue(overwrite), ct);
            if (c.Format == OutputFormat.Json)
                CommandRunner.Json(c, result);
            else
                CommandRunner.Fields(c, ("from", result.FromUri), ("to", result.ToUri), ("version", result.Version?.ToString(CultureInfo.InvariantCulture)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Bulk(CommandRunner run)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "JSON file: an array of operations, or {\"operations\": [...]}", Required = true };
        var continueOnError = new Option<bool>("--continue-on-error") { Description = "Run every operation even after one fails" };
        var command = new Command("bulk", "Run set/delete/undelete/destroy/rotate/rollback operations from a file, in order") { file, continueOnError };
        run.Action(command, async (c, p, ct) =>
        {
            var operations = BulkFile(p.GetValue(file)!);
            BulkResponse answer;
            if (c.Io.Interactive)
                answer = await c.Io.Out.Status().StartAsync($"{operations.Count} operations", _ => c.Client.BulkAsync(operations, p.GetValue(continueOnError), ct));
            else
                answer = await c.Client.BulkAsync(operations, p.GetValue(continueOnError), ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, answer);
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("op").AddColumn("uri").AddColumn("status").AddColumn("code").AddColumn("version");
                foreach (var r in answer.Results)
                {
                    table.AddRow(r.Index.ToString(CultureInfo.InvariantCulture), r.Op, Markup.Escape(r.Uri ?? "–"), r.Status.ToString(CultureInfo.InvariantCulture),
                        r.Code ?? "", r.Version?.ToString(CultureInfo.InvariantCulture) ?? "");
                }
                c.Io.Out.Write(table);
                c.Io.Out.WriteLine($"{answer.Succeeded} succeeded, {answer.Failed} failed" + (answer.StoppedAt is { } at ? $", stopped at {at}" : ""));
            }
            return answer.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static List<BulkOperation> BulkFile(FileInfo file)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(file.FullName));
        }
        catch (JsonException)
        {
            throw new CliUsageException($"{file.Name} is not JSON");
        }
        var array = document is JsonObject o ? o["operations"] as JsonArray : document as JsonArray;
        return array?.Deserialize<List<BulkOperation>>(SecretsClientJson.Options)
            ?? throw new CliUsageException($"{file.Name} holds no operations array");
    }

    /// <summary>The value to write: --json, stdin (-), one text for a #key, or key=value pairs for a path.</summary>
    private static JsonNode ValueOf(string uri, string[] values, string? json, TextReader stdin)
    {
        if (json is not null)
        {
            if (values.Length > 0)
                throw new CliUsageException("give the value either as arguments or with --json");
            try
            {
                return JsonNode.Parse(json) ?? throw new CliUsageException("--json is null");
            }
            catch (JsonException)
            {
                throw new CliUsageException("--json is not valid JSON");
            }
        }
        var fragment = uri.Contains('#', StringComparison.Ordinal);
        if (fragment)
        {
            if (values.Length != 1)
                throw new CliUsageException("a #key takes exactly one value (or - to read it from stdin)");
            return JsonValue.Create(values[0] == "-" ? stdin.ReadToEnd().TrimEnd('\n', '\r') : values[0]);
        }
        if (values.Length == 0)
            throw new CliUsageException("a path takes key=value pairs (or --json)");
        var map = new JsonObject();
        foreach (var pair in values)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new CliUsageException("a path's values are key=value pairs");
            var value = pair[(eq + 1)..];
            map[pair[..eq]] = value == "-" ? stdin.ReadToEnd().TrimEnd('\n', '\r') : value;
        }
        return map;
    }

    private static void Written(CliContext c, WriteResult result) => Written(c, result.Uri, result.Version);

    private static void Written(CliContext c, RotateResult result) => Written(c, result.Uri, result.Version);   // never its value

    private static void Written(CliContext c, string uri, int? version)
    {
        if (c.Format == OutputFormat.Json)
            CommandRunner.Json(c, new { uri, version });
        else
            CommandRunner.Fields(c, ("uri", uri), ("version", version?.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>What a change did; a destroy that waits for its approval says so, with the id to approve.</summary>
    private static void Done(CliContext c, string what, string uri, PendingApproval? pending = null)
    {
        if (c.Format == OutputFormat.Json)
            CommandRunner.Json<object>(c, pending is null
                ? new { uri, result = what }
                : new { uri, result = "pending_approval", approval_id = pending.ApprovalId, expires_at = pending.ExpiresAt });
        else if (pending is not null)
            c.Io.Out.WriteLine($"pending approval {pending.ApprovalId} (until {Time(pending.ExpiresAt)}): another subject runs `secrets approve {pending.ApprovalId}`; nothing is destroyed yet: {uri}");
        else
            c.Io.Out.WriteLine($"{what}: {uri}");
    }

    private static int[] ParseVersions(System.CommandLine.Parsing.ArgumentResult result)
    {
        var versions = new List<int>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            {
                result.AddError($"'{token}' is not a version number");
                return [];
            }
            versions.Add(v);
        }
        return [.. versions];
    }

    private static string? Text(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();

    private static string Time(DateTimeOffset? t) => t?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "–";
}
