using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Client;
using Secrets.Client.Archives;
using Spectre.Console;

namespace Secrets.Host;

/// <summary>
/// <c>backup</c> and <c>restore</c> (docs/BACKUP.md#host-commands): HTTP clients of a running service, so that an
/// archive is made and restored through the same API, authorisation and audit trail as any other request. The
/// server is <c>--server</c>, else <c>SECRETS_ADDR</c>, else http://127.0.0.1:9100; the bearer token <c>--token</c>,
/// else <c>SECRETS_TOKEN</c>. On a terminal a progress bar shows the paths and bytes; piped, plain lines. A failure
/// exits non-zero with the problem's code; nothing printed holds a value (the archive is encrypted, the report names
/// paths only).
/// </summary>
internal static class ArchiveCommands
{
    public const string Backup = "backup";
    public const string Restore = "restore";

    private const string DefaultServer = "http://127.0.0.1:9100";

    private const string BackupUsage = """
        usage: Secrets.Host backup --prefix <canonical URI prefix> --out <file> [--server <url>] [--token <token>]
          Streams an encrypted archive of every path under the prefix (all versions and metadata) to <file>.
          --server   the service (default: SECRETS_ADDR, else http://127.0.0.1:9100)
          --token    a bearer token with the scope secrets.admin (default: SECRETS_TOKEN)
        """;

    private const string RestoreUsage = """
        usage: Secrets.Host restore --in <file> [--dry-run] [--provider <scheme>] [--server <url>] [--token <token>]
          Uploads an archive; the service authenticates it whole, then restores each path and reports it.
          --dry-run   report create/update/unchanged per path and change nothing
          --provider  restore onto another provider scheme (e.g. hashicorp+kv2) with the same mount
          --server    the service (default: SECRETS_ADDR, else http://127.0.0.1:9100)
          --token     a bearer token with the scope secrets.admin (default: SECRETS_TOKEN)
        """;

    public static async Task<int> RunAsync(string command, string[] args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct,
        HttpMessageHandler? handler = null)
    {
        var usage = command == Backup ? BackupUsage : RestoreUsage;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await output.WriteLineAsync(usage);
            return 0;
        }
        if (!TryParse(args, command == Backup ? ["--prefix", "--out", "--server", "--token"] : ["--in", "--server", "--token", "--provider"],
                command == Backup ? [] : ["--dry-run"], out var options, out var problem))
        {
            await error.WriteLineAsync($"{command}: {problem}");
            await error.WriteLineAsync(usage);
            return 2;
        }
        var server = options.GetValueOrDefault("--server") ?? config["SECRETS_ADDR"] ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"{command}: --server (or SECRETS_ADDR) must be an http or https URL");
            return 2;
        }
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseAddress;
        http.Timeout = Timeout.InfiniteTimeSpan;
        var token = options.GetValueOrDefault("--token") ?? config["SECRETS_TOKEN"];
        if (!string.IsNullOrWhiteSpace(token))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        var client = new SecretsClient(http);
        var progress = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            return command == Backup
                ? await BackupAsync(client, Required(options, "--prefix"), Required(options, "--out"), progress, output, error, ct)
                : await RestoreAsync(client, Required(options, "--in"), options.ContainsKey("--dry-run"), options.GetValueOrDefault("--provider"),
                    progress, output, ct);
        }
        catch (SecretsApiException refused)
        {
            // a refusal: its code and fixed detail (problem+json never holds a value), exit 1
            await error.WriteLineAsync($"{command}: {(int)refused.Status} {refused.Code}" + (refused.Detail is null ? "" : ": " + refused.Detail));
            return 1;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"{command}: the service at {baseAddress} cannot be reached or broke off ({e.HttpRequestError})");
            return 1;
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            await error.WriteLineAsync($"{command}: {e.GetType().Name}: the archive could not be read, written or received whole");
            return 1;
        }
        catch (FileNotFoundException)
        {
            await error.WriteLineAsync($"{command}: no such file");
            return 2;
        }
    }

    private static string Required(Dictionary<string, string?> options, string name) => options[name]!;

    private static async Task<int> BackupAsync(SecretsClient client, string prefix, string outPath, bool progress, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        var partial = outPath + ".partial";
        BackupResult result;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                if (progress)
                {
                    result = null!;
                    // the bar counts paths (the description shows the bytes): no DownloadedColumn, which would read paths as bytes
                    await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn()).StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("paths", maxValue: 1);
                        result = await client.BackupAsync(prefix, file, new Progress<BackupProgress>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.PathsListed ?? 1);
                            task.Value = p.Paths;
                            task.Description = $"paths {p.Paths}/{p.PathsListed?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {p.Bytes / 1024} KiB";
                        }), ct);
                        task.Value = task.MaxValue;
                    });
                }
                else
                {
                    var nextReport = 0;
                    result = await client.BackupAsync(prefix, file, new SynchronousProgress<BackupProgress>(p =>
                    {
                        if (p.Bytes == 0)
                        {
                            output.WriteLine($"backup: {p.PathsListed?.ToString(CultureInfo.InvariantCulture) ?? "?"} paths under {prefix}");
                        }
                        else if (p.Paths >= nextReport)
                        {
                            output.WriteLine($"backup: {p.Paths} paths, {p.Bytes} bytes");
                            nextReport = p.Paths + Math.Max(1, (p.PathsListed ?? 100) / 10);
                        }
                    }), ct);
                }
            }
            if (!result.Complete)
            {
                File.Delete(partial);
                await error.WriteLineAsync("backup: the archive stream ended before its last frame; nothing was kept");
                return 1;
            }
            File.Move(partial, outPath, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        await output.WriteLineAsync($"backup: wrote {result.Paths} paths, {result.Bytes} bytes to {outPath}");
        return 0;
    }

    private static async Task<int> RestoreAsync(SecretsClient client, string inPath, bool dryRun, string? provider, bool progress, TextWriter output,
        CancellationToken ct)
    {
        await using var file = new FileStream(inPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        var length = file.Length;
        RestoreReport report;
        if (progress)
        {
            report = null!;
            await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new ElapsedTimeColumn()).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("upload", maxValue: Math.Max(1, length));
                report = await client.RestoreAsync(file, dryRun, provider, new Progress<long>(sent => task.Value = sent), ct);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            await output.WriteLineAsync($"restore: uploading {length} bytes{(dryRun ? " (dry run)" : "")}");
            report = await client.RestoreAsync(file, dryRun, provider, null, ct);
        }
        foreach (var result in report.Results)
            await output.WriteLineAsync(result.Code is { } code ? $"failed {result.Uri} {result.Status} {code}" : $"{result.Action} {result.Uri}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"restore{(dryRun ? " (dry run)" : "")}: {report.Paths} paths: {report.Created} create, {report.Updated} update, {report.Unchanged} unchanged, {report.Failed} failed"));
        return report.Failed == 0 ? 0 : 1;
    }

    /// <summary>Reports on the caller's thread, in order (plain lines must not interleave or come after the summary).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static bool TryParse(string[] args, string[] withValue, string[] flags, out Dictionary<string, string?> options, out string problem)
    {
        options = new Dictionary<string, string?>(StringComparer.Ordinal);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (flags.Contains(args[i]))
            {
                options[args[i]] = null;
            }
            else if (withValue.Contains(args[i]) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                problem = $"unknown or incomplete argument {args[i]}";
                return false;
            }
        }
        foreach (var required in withValue.Where(w => w is "--prefix" or "--out" or "--in"))
        {
            if (!options.ContainsKey(required))
            {
                problem = $"{required} is required";
                return false;
            }
        }
        return true;
    }
}
