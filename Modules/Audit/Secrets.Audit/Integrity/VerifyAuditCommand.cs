using System.Globalization;
using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Integrity;

/// <summary>
/// <c>verify-audit &lt;file&gt;… --keys &lt;jwks file or URL&gt;… [--at &lt;time&gt;] [--every N] [--seconds T]</c>
/// (docs/AUDIT.md#verify-audit): verifies exports of audit events (newline-delimited JSON; <c>-</c> reads
/// standard input) and prints one line per problem. Exit code 0 when every node's stream is intact, 1
/// when a problem was found, 2 when the command could not run (arguments, files, keys).
/// <c>--every</c>/<c>--seconds</c> (default <c>AUDIT_CHECKPOINT_EVERY</c>/<c>AUDIT_CHECKPOINT_SECONDS</c>)
/// apply to nodes with no checkpoint yet; <c>--at</c> is the time the export was taken.
/// </summary>
internal static class VerifyAuditCommand
{
    public const string Name = "verify-audit";

    public const string Usage = "usage: verify-audit <file>... --keys <jwks file or URL>... [--at <ISO-8601 time>] [--every N] [--seconds T]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var files = new List<string>();
        var keySources = new List<string>();
        DateTimeOffset? at = null;
        int every, seconds;
        try
        {
            every = Settings.Int(config["AUDIT_CHECKPOINT_EVERY"], "AUDIT_CHECKPOINT_EVERY", AuditIntegrityOptions.DefaultEvery, 1, 1_000_000);
            seconds = Settings.Int(config["AUDIT_CHECKPOINT_SECONDS"], "AUDIT_CHECKPOINT_SECONDS", AuditIntegrityOptions.DefaultSeconds, 1, 86_400);
            for (var i = 0; i < args.Count; i++)
            {
                switch (args[i])
                {
                    case "--keys":
                        keySources.Add(Value(args, ++i));
                        break;
                    case "--at":
                        at = DateTimeOffset.Parse(Value(args, ++i), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                        break;
                    case "--every":
                        every = Settings.Int(Value(args, ++i), "--every", every, 1, 1_000_000);
                        break;
                    case "--seconds":
                        seconds = Settings.Int(Value(args, ++i), "--seconds", seconds, 1, 86_400);
                        break;
                    case var option when option.StartsWith("--", StringComparison.Ordinal):
                        throw new ArgumentException($"unknown option {option}");
                    default:
                        files.Add(args[i]);
                        break;
                }
            }
            if (files.Count == 0 || keySources.Count == 0)
                throw new ArgumentException("name at least one export and one --keys");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            await error.WriteLineAsync($"verify-audit: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        Dictionary<string, string> keys;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            keys = await CheckpointKeys.LoadAsync(keySources, http, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException
            or System.Text.Json.JsonException or InvalidDataException)
        {
            await error.WriteLineAsync($"verify-audit: cannot read the keys: {e.Message}");
            return 2;
        }

        var failed = false;
        foreach (var file in files)
        {
            AuditVerification result;
            try
            {
                await using var input = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
                result = await AuditVerifier.VerifyAsync(input, keys, every, seconds, at, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"verify-audit: cannot read {file}: {e.Message}");
                return 2;
            }
            foreach (var problem in result.Problems)
                await output.WriteLineAsync($"{file}: {problem}");
            foreach (var note in result.Notes)
                await output.WriteLineAsync($"{file}: note {note}");
            if (result.Intact)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{file}: ok: {result.Events} events, {result.Checkpoints} checkpoints, {result.Nodes} nodes"));
            failed |= !result.Intact;
        }
        return failed ? 1 : 0;
    }

    private static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
}
