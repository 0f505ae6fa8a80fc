using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = baseAddress;
        client.Timeout = Timeout.InfiniteTimeSpan;
        var token = options.GetValueOrDefault("--token") ?? config["SECRETS_TOKEN"];
        if (!string.IsNullOrWhiteSpace(token))
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        var progress = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        try
        {
            return command == Backup
                ? await BackupAsync(client, Required(options, "--prefix"), Required(options, "--out"), progress, output, error, ct)
                : await RestoreAsync(client, Required(options, "--in"), options.ContainsKey("--dry-run"), options.GetValueOrDefault("--provider"),
                    progress, output, error, ct);
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

    private static async Task<int> BackupAsync(HttpClient client, string prefix, string outPath, bool progress, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/secrets/admin/backup")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["prefix"] = prefix }), Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            return await ProblemAsync(Backup, response, error, ct);
        var paths = response.Headers.TryGetValues("X-Backup-Paths", out var values) && int.TryParse(values.FirstOrDefault(), out var n) ? n : (int?)null;

        var partial = outPath + ".partial";
        var counter = new FrameCounter();
        try
        {
            await using (var source = await response.Content.ReadAsStreamAsync(ct))
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                async Task CopyAsync(Action<long, int>? report)
                {
                    var buffer = new byte[64 * 1024];
                    int read;
                    while ((read = await source.ReadAsync(buffer, ct)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                        counter.Feed(buffer.AsSpan(0, read));
                        report?.Invoke(counter.Bytes, counter.Entries);
                    }
                }

                if (progress)
                {
                    // the bar counts paths (the description shows the bytes): no DownloadedColumn, which would read paths as bytes
                    await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn()).StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("paths", maxValue: Math.Max(1, paths ?? 1));
                        await CopyAsync((bytes, entries) =>
                        {
                            task.Value = entries;
                            task.Description = $"paths {entries}/{paths?.ToString(CultureInfo.InvariantCulture) ?? "?"}, {bytes / 1024} KiB";
                        });
                        task.Value = task.MaxValue;
                    });
                }
                else
                {
                    await output.WriteLineAsync($"backup: {paths?.ToString(CultureInfo.InvariantCulture) ?? "?"} paths under {prefix}");
                    var nextReport = 0;
                    await CopyAsync((bytes, entries) =>
                    {
                        if (entries >= nextReport)
                        {
                            output.WriteLine($"backup: {entries} paths, {bytes} bytes");
                            nextReport = entries + Math.Max(1, (paths ?? 100) / 10);
                        }
                    });
                }
            }
            if (!counter.Complete)
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
        await output.WriteLineAsync($"backup: wrote {counter.Entries} paths, {counter.Bytes} bytes to {outPath}");
        return 0;
    }

    private static async Task<int> RestoreAsync(HttpClient client, string inPath, bool dryRun, string? provider, bool progress, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        await using var file = new FileStream(inPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        var length = file.Length;
        var query = $"?dry_run={(dryRun ? "true" : "false")}" + (provider is null ? "" : "&provider=" + Uri.EscapeDataString(provider));
        HttpResponseMessage response;
        if (progress)
        {
            response = null!;
            await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new ElapsedTimeColumn()).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("upload", maxValue: Math.Max(1, length));
                response = await SendAsync(client, query, new ReadCountingStream(file, read => task.Value = read), length, ct);
                task.Value = task.MaxValue;
            });
        }
        else
        {
            await output.WriteLineAsync($"restore: uploading {length} bytes{(dryRun ? " (dry run)" : "")}");
            response = await SendAsync(client, query, file, length, ct);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                return await ProblemAsync(Restore, response, error, ct);
            var report = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            foreach (var result in report["results"]!.AsArray())
            {
                var line = result!["code"] is { } code
                    ? $"failed {result["uri"]} {result["status"]} {code}"
                    : $"{result["action"]} {result["uri"]}";
                await output.WriteLineAsync(line);
            }
            var failed = report["failed"]!.GetValue<int>();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"restore{(dryRun ? " (dry run)" : "")}: {report["paths"]} paths: {report["created"]} create, {report["updated"]} update, {report["unchanged"]} unchanged, {failed} failed"));
            return failed == 0 ? 0 : 1;
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string query, Stream body, long length, CancellationToken ct)
    {
        var content = new StreamContent(body, 64 * 1024);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/secrets/admin/restore" + query) { Content = content };
        return client.SendAsync(request, ct);
    }

    /// <summary>A refusal: its code and fixed detail (problem+json never holds a value), exit 1.</summary>
    private static async Task<int> ProblemAsync(string command, HttpResponseMessage response, TextWriter error, CancellationToken ct)
    {
        string? code = null, detail = null;
        try
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
            code = body?["code"]?.GetValue<string>();
            detail = body?["detail"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            // not problem+json: the status says enough
        }
        await error.WriteLineAsync($"{command}: {(int)response.StatusCode} {code ?? "HTTP_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}"
            + (detail is null ? "" : ": " + detail));
        return 1;
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

    /// <summary>Follows the archive's framing as it streams by: the header, then 4-byte lengths; counts the frames, and whether the stream ended on a frame's end.</summary>
    private sealed class FrameCounter
    {
        private readonly byte[] pending = new byte[14];
        private int have;
        private long skip = -1;   // -1: still reading the preamble
        private int frames;

        public long Bytes { get; private set; }

        /// <summary>Path frames seen so far (every frame but the trailer).</summary>
        public int Entries => Math.Max(0, frames - 1);

        public bool Complete => frames > 0 && skip == 0 && have == 0;

        public void Feed(ReadOnlySpan<byte> data)
        {
            Bytes += data.Length;
            while (data.Length > 0)
            {
                if (skip > 0)
                {
                    var n = (int)Math.Min(skip, data.Length);
                    skip -= n;
                    data = data[n..];
                    continue;
                }
                var need = skip < 0 ? 14 : 4;
                var take = Math.Min(need - have, data.Length);
                data[..take].CopyTo(pending.AsSpan(have));
                have += take;
                data = data[take..];
                if (have < need)
                    return;
                have = 0;
                if (skip < 0)
                {
                    skip = BinaryPrimitives.ReadInt32BigEndian(pending.AsSpan(10));
                }
                else
                {
                    skip = BinaryPrimitives.ReadInt32BigEndian(pending);
                    frames++;
                }
            }
        }
    }
}
