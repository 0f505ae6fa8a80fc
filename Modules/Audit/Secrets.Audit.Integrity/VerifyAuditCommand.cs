using System.Globalization;
using Confluent.Kafka;
using Secrets.Audit.Kafka;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Integrity;

/// <summary>
/// <c>verify-audit &lt;file&gt;… [--kafka &lt;bootstrap&gt; [--topic &lt;topic&gt;]] --keys &lt;jwks file or URL&gt;… [--at &lt;time&gt;] [--every N] [--seconds T]</c>
/// (docs/AUDIT.md#verify-audit): verifies exports of audit events (newline-delimited JSON; <c>-</c> reads
/// standard input) and an audit topic read from Kafka (<see cref="AuditTopicReader"/>), each on its own, and
/// prints one line per problem. Exit code 0 when every node's stream is intact, 1 when a problem was found,
/// 2 when the command could not run (arguments, files, keys, the topic).
/// <c>--every</c>/<c>--seconds</c> (default <c>AUDIT_CHECKPOINT_EVERY</c>/<c>AUDIT_CHECKPOINT_SECONDS</c>)
/// apply to nodes with no checkpoint yet; <c>--at</c> is the time the export was taken.
/// </summary>
internal static class VerifyAuditCommand
{
    public const string Name = "verify-audit";

    public const string Usage = """
        usage: verify-audit <file>... --keys <jwks file or URL>... [--at <ISO-8601 time>] [--every N] [--seconds T]
               verify-audit --kafka <bootstrap servers> [--topic <topic>] --keys <jwks file or URL>... [--at ...] [--every N] [--seconds T]
          <file>      an export of audit events, one JSON object per line; - reads standard input
          --kafka     read an audit topic instead of (or besides) files: every partition from its start to its end
                      when the read begins, with a fresh group id and no commits; KAFKA_SECURITY_PROTOCOL,
                      KAFKA_SASL_* and KAFKA_SSL_* apply as for the service
          --topic     the topic to read (default <KAFKA_TOPIC_PREFIX>.secrets.audit, crud.secrets.audit)
          --keys      a JWK Set of the nodes' checkpoint keys (GET /api/secrets/audit/keys), a file or a URL; repeats
          --at        when the export was taken (default: the newest event time in it)
          --every     --seconds  the checkpoint rule of a node with no checkpoint yet
                      (default AUDIT_CHECKPOINT_EVERY, AUDIT_CHECKPOINT_SECONDS)
          --help      this text
        exit code: 0 intact, 1 a problem found, 2 the command could not run
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> config, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Any(a => a is "--help" or "-h"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }
        var files = new List<string>();
        var keySources = new List<string>();
        string? bootstrap = null, topic = null;
        KafkaSettings? kafka = null;
        DateTimeOffset? at = null;
        int every, seconds;
        try
        {
            every = Settings.Int(config("AUDIT_CHECKPOINT_EVERY"), "AUDIT_CHECKPOINT_EVERY", AuditStreamRules.DefaultEvery, 1, 1_000_000);
            seconds = Settings.Int(config("AUDIT_CHECKPOINT_SECONDS"), "AUDIT_CHECKPOINT_SECONDS", AuditStreamRules.DefaultSeconds, 1, 86_400);
            for (var i = 0; i < args.Count; i++)
            {
                switch (args[i])
                {
                    case "--keys":
                        keySources.Add(Value(args, ++i));
                        break;
                    case "--kafka":
                        bootstrap = Value(args, ++i);
                        break;
                    case "--topic":
                        topic = Value(args, ++i);
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
            if (topic is not null && bootstrap is null)
                throw new ArgumentException("--topic needs --kafka");
            if (bootstrap is not null)
            {
                kafka = KafkaSettings.From(name => name == "KAFKA_BOOTSTRAP_SERVERS" ? bootstrap : config(name))
                    ?? throw new ArgumentException("--kafka needs bootstrap servers");
                topic ??= kafka.AuditTopic;
            }
            if ((files.Count == 0 && kafka is null) || keySources.Count == 0)
                throw new ArgumentException("name at least one export or --kafka, and one --keys");
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
            await ReportAsync(file, result, null, output);
            failed |= !result.Intact;
        }
        if (kafka is not null)
        {
            var source = "kafka:" + topic;
            AuditVerification result;
            AuditTopicExport export;
            try
            {
                export = await Task.Run(() => new AuditTopicReader(kafka, topic!).Read(ct), ct);
                await using var input = export.Open();
                result = await AuditVerifier.VerifyAsync(input, keys, every, seconds, at, ct);
            }
            catch (KafkaException e)
            {
                await error.WriteLineAsync($"verify-audit: cannot read {source} from {kafka.BootstrapServers}: {e.Error.Reason}");
                return 2;
            }
            if (export.Duplicates > 0)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: note {export.Duplicates} redelivered copies skipped (same node_id, seq and bytes as a message read before)"));
            await ReportAsync(source, result, export, output);
            failed |= !result.Intact;
        }
        return failed ? 1 : 0;
    }

    /// <summary>The problems, notes and verdict of one source; a topic's problems also say where the message was.</summary>
    private static async Task ReportAsync(string source, AuditVerification result, AuditTopicExport? topic, TextWriter output)
    {
        foreach (var problem in result.Problems)
        {
            var at = topic is not null && problem.Line >= 1 && problem.Line <= topic.Lines.Count ? topic.Lines[(int)(problem.Line - 1)] : null;
            await output.WriteLineAsync(at is null ? $"{source}: {problem}"
                : string.Create(CultureInfo.InvariantCulture, $"{source}: {problem} (partition {at.Partition}, offset {at.Offset})"));
        }
        foreach (var note in result.Notes)
            await output.WriteLineAsync($"{source}: note {note}");
        if (result.Intact)
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{source}: ok: {result.Events} events, {result.Checkpoints} checkpoints, {result.Nodes} nodes"));
    }

    private static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
}
