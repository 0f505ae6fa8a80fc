using System.CommandLine;
using System.Globalization;
using Secrets.Client.Archives;
using Spectre.Console;

namespace Secrets.Cli.Commands;

/// <summary>
/// <c>backup</c> and <c>restore</c> (docs/BACKUP.md): the archive streamed to or from a file through the client, with a
/// progress bar on a terminal and plain lines when piped. The archive is encrypted; nothing printed holds a value.
/// </summary>
internal static class ArchiveCommands
{
    public static IEnumerable<Command> All(CommandRunner run) => [Backup(run), Restore(run)];

    private static Command Backup(CommandRunner run)
    {
        var prefix = new Option<string>("--prefix") { Description = "What to back up: a prefix or mount, e.g. openbao+kv2://secret/app/*", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The archive file (written as <file>.partial, renamed when complete)", Required = true };
        var command = new Command("backup", "Stream an encrypted archive of every path under a prefix to a file (scope secrets.admin)") { prefix, output };
        run.Action(command, async (c, p, ct) =>
        {
            var path = p.GetValue(output)!.FullName;
            var partial = path + ".partial";
            var from = p.GetValue(prefix)!;
            BackupResult result;
            try
            {
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                {
                    result = c.Io.Interactive
                        // the bar counts paths; its description shows the bytes (a DownloadedColumn would read paths as bytes)
                        // reported on the receiving thread (a Progress<T> would post, and its last report could land after the bar ended)
                        ? await WithBarAsync(c, "paths", bar => c.Client.BackupAsync(from, file, new SynchronousProgress<BackupProgress>(b =>
                        {
                            bar.MaxValue = Math.Max(1, b.PathsListed ?? 1);
                            bar.Value = b.Paths;
                            bar.Description = string.Create(CultureInfo.InvariantCulture, $"paths {b.Paths}/{b.PathsListed?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {b.Bytes / 1024} KiB");
                        }), ct))
                        : await c.Client.BackupAsync(from, file, PlainLines(c, from), ct);
                }
                if (!result.Complete)
                {
                    File.Delete(partial);
                    await c.Io.Error.WriteLineAsync("error: the archive stream ended before its last frame; nothing was kept");
                    return ExitCodes.ServiceError;
                }
                File.Move(partial, path, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
            if (c.Format == OutputFormat.Json)
                CommandRunner.Json(c, new { file = path, paths = result.Paths, bytes = result.Bytes });
            else
                c.Io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backup: {result.Paths} paths, {result.Bytes} bytes to {path}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restore(CommandRunner run)
    {
        var input = new Option<FileInfo>("--in") { Description = "The archive file", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report create/update/unchanged per path and change nothing" };
        var provider = new Option<string?>("--provider") { Description = "Restore onto another provider scheme with the same mount (e.g. hashicorp+kv2)" };
        var command = new Command("restore", "Upload an archive; the service checks it whole, then restores each path (scope secrets.admin)") { input, dryRun, provider };
        run.Action(command, async (c, p, ct) =>
        {
            var info = p.GetValue(input)!;
            if (!info.Exists)
                throw new CliUsageException($"{info.Name}: no such file");
            await using var file = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            var report = c.Io.Interactive
                ? await WithBarAsync(c, "upload", bar =>
                {
                    bar.MaxValue = Math.Max(1, file.Length);
                    return c.Client.RestoreAsync(file, p.GetValue(dryRun), p.GetValue(provider), new SynchronousProgress<long>(sent => bar.Value = sent), ct);
                })
                : await PlainRestoreAsync(c, file, p.GetValue(dryRun), p.GetValue(provider), ct);
            if (c.Format == OutputFormat.Json)
            {
                CommandRunner.Json(c, report);
            }
            else if (c.Io.Interactive)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("uri").AddColumn("action").AddColumn("status").AddColumn("code").AddColumn("versions");
                foreach (var r in report.Results)
                {
                    table.AddRow(Markup.Escape(r.Uri), r.Action ?? "", r.Status.ToString(CultureInfo.InvariantCulture), r.Code ?? "",
                        r.VersionsWritten?.ToString(CultureInfo.InvariantCulture) ?? "");
                }
                c.Io.Out.Write(table);
            }
            else
            {
                // piped: one line per path that a script can split on spaces
                foreach (var r in report.Results)
                    c.Io.Plain.WriteLine(r.Code is { } code ? string.Create(CultureInfo.InvariantCulture, $"failed {r.Uri} {r.Status} {code}") : $"{r.Action} {r.Uri}");
            }
            if (c.Format != OutputFormat.Json)
            {
                c.Io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"restore{(report.DryRun ? " (dry run)" : "")}: {report.Paths} paths: {report.Created} create, {report.Updated} update, {report.Unchanged} unchanged, {report.Failed} failed"));
            }
            return report.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>Piped: a line when the listing is known, then one about every tenth of the paths (on stderr with -o json).</summary>
    private static SynchronousProgress<BackupProgress> PlainLines(CliContext c, string prefix)
    {
        var lines = c.Format == OutputFormat.Json ? c.Io.Error : c.Io.Plain;
        var nextReport = 0;
        return new SynchronousProgress<BackupProgress>(b =>
        {
            if (b.Bytes == 0)
            {
                lines.WriteLine($"backup: {b.PathsListed?.ToString(CultureInfo.InvariantCulture) ?? "?"} paths under {prefix}");
            }
            else if (b.Paths >= nextReport)
            {
                lines.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backup: {b.Paths} paths, {b.Bytes} bytes"));
                nextReport = b.Paths + Math.Max(1, (b.PathsListed ?? 100) / 10);
            }
        });
    }

    private static Task<RestoreReport> PlainRestoreAsync(CliContext c, FileStream file, bool dryRun, string? provider, CancellationToken ct)
    {
        (c.Format == OutputFormat.Json ? c.Io.Error : c.Io.Plain).WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restore: uploading {file.Length} bytes{(dryRun ? " (dry run)" : "")}"));
        return c.Client.RestoreAsync(file, dryRun, provider, null, ct);
    }

    /// <summary>Reports on the caller's thread, in order: plain lines must not interleave or come after the summary.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Runs <paramref name="work"/> under a Spectre progress bar (terminal only).</summary>
    private static async Task<T> WithBarAsync<T>(CliContext c, string name, Func<ProgressTask, Task<T>> work)
    {
        T result = default!;
        await c.Io.Out.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask(name, maxValue: 1);
                result = await work(bar);
                bar.Value = bar.MaxValue;
            });
        return result;
    }
}
