using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Secrets.Audit.Integrity;

/// <summary>
/// Verifies an export of audit events, one CloudEvent (<see cref="AuditCloudEvent"/>) per line
/// (docs/AUDIT.md#verify-audit); the chain fields are read from its <c>data</c>. Lines are grouped by
/// <c>node_id</c> and each node's chain is checked in file order: <c>seq</c> 1, 2, … with no gap or
/// reorder, each <c>prev_hash</c> the hash of the line before it (the genesis value for seq 1), each
/// checkpoint signed by a known key over its place in the chain. Only the first problem of a node
/// is reported: what follows it cannot be judged. Then the tail: events after a node's last checkpoint
/// are not proven, and the stream is truncated when a checkpoint was due there — the tail holds
/// <c>every</c> events or more, or its first event is more than twice <c>seconds</c> older than the
/// export's time (<paramref name="exportedAt"/>, else the newest <c>time</c> in the export). The
/// rule (<c>every</c>, <c>seconds</c>) is the node's, from its last checkpoint; before one, the given defaults.
/// </summary>
/// <param name="keys">Public keys by key id (<c>kid</c>, the RFC 7638 thumbprint) as JWK <c>x</c> values.</param>
internal sealed class AuditVerifier(IReadOnlyDictionary<string, string> keys, int every, int seconds, DateTimeOffset? exportedAt = null)
{
    private static readonly JsonEventFormatter Formatter = new();

    private readonly Dictionary<string, List<Entry>> nodes = new(StringComparer.Ordinal);
    private readonly List<AuditProblem> problems = [];
    private DateTimeOffset? newest;
    private long lineNumber;
    private long events;
    private long checkpoints;

    public static async Task<AuditVerification> VerifyAsync(Stream input, IReadOnlyDictionary<string, string> keys, int every, int seconds,
        DateTimeOffset? exportedAt, CancellationToken ct)
    {
        var verifier = new AuditVerifier(keys, every, seconds, exportedAt);
        await verifier.ReadAsync(input, ct);
        return verifier.Judge();
    }

    private async Task ReadAsync(Stream input, CancellationToken ct)
    {
        var reader = PipeReader.Create(input);
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                Read(buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                    Read(buffer);
                reader.AdvanceTo(buffer.End);
                break;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
        await reader.CompleteAsync();
    }

    /// <summary>One line, without its <c>\n</c> (a <c>\r</c> before it is dropped too); blank lines are skipped.</summary>
    private void Read(ReadOnlySequence<byte> sequence)
    {
        lineNumber++;
        var line = sequence.IsSingleSegment ? sequence.FirstSpan : (ReadOnlySpan<byte>)sequence.ToArray();
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];
        if (line.Trim((byte)' ').Length == 0)
            return;
        var hash = AuditChain.Hash(line);
        try
        {
            CloudEvent cloudEvent;
            try
            {
                cloudEvent = Formatter.DecodeStructuredModeMessage(line.ToArray(), null, null);
            }
            catch (ArgumentException ex)
            {
                problems.Add(new AuditProblem(AuditProblemKind.Malformed, "?", lineNumber, null, "the line is not a CloudEvents 1.0 event: " + ex.Message));
                return;
            }
            if (cloudEvent.Data is not JsonElement { ValueKind: JsonValueKind.Object } e)
            {
                problems.Add(new AuditProblem(AuditProblemKind.Malformed, "?", lineNumber, null, "the event has no data object"));
                return;
            }
            if (Text(e, "node_id") is not { Length: > 0 } node)
            {
                problems.Add(new AuditProblem(AuditProblemKind.Malformed, "?", lineNumber, null, "the event's data has no node_id"));
                return;
            }
            if (cloudEvent.Source?.OriginalString != AuditCloudEvent.SourcePrefix + node
                || (Number(e, "seq") is { } numbered && cloudEvent.Id != node + ":" + Num(numbered)))
            {
                problems.Add(new AuditProblem(AuditProblemKind.Malformed, node, lineNumber, Number(e, "seq"), "the event's source and id do not name its node_id and seq"));
                return;
            }
            if (!nodes.TryGetValue(node, out var entries))
                nodes[node] = entries = [];
            var time = Text(e, "time") is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : (DateTimeOffset?)null;
            if (time > newest || newest is null)
                newest = time ?? newest;
            if (!e.TryGetProperty("seq", out var seqElement) || !seqElement.TryGetInt64(out var seq) || Text(e, "prev_hash") is not { } prev)
            {
                entries.Add(new Entry(lineNumber, 0, "", hash, time, null, "the event has no seq or prev_hash"));
                return;
            }
            events++;
            var checkpoint = Text(e, "event_type") == CheckpointStatement.EventType ? Check(e, node) : null;
            if (checkpoint is not null)
                checkpoints++;
            entries.Add(new Entry(lineNumber, seq, prev, hash, time, checkpoint, null));
        }
        catch (JsonException)
        {
            problems.Add(new AuditProblem(AuditProblemKind.Malformed, "?", lineNumber, null, "the line is not a JSON object"));
        }
    }

    private Checkpoint Check(JsonElement e, string node)
    {
        if (Text(e, "tenant") is not { } tenant || Number(e, "first_seq") is not { } first || Number(e, "last_seq") is not { } last
            || Text(e, "head_hash") is not { } head || Text(e, "time") is not { } time || Number(e, "every") is not { } ruleEvery
            || Number(e, "seconds") is not { } ruleSeconds || Text(e, "kid") is not { } kid || Text(e, "sig") is not { } sig
            || ruleEvery is < 1 or > int.MaxValue || ruleSeconds is < 1 or > int.MaxValue)
            return new Checkpoint(null, "the checkpoint lacks a signed field");
        var statement = new CheckpointStatement(node, tenant, first, last, head, time, (int)ruleEvery, (int)ruleSeconds, kid);
        if (!keys.TryGetValue(kid, out var x))
            return new Checkpoint(statement, $"signed by an unknown key (kid {kid})");
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(sig);
        }
        catch (FormatException)
        {
            return new Checkpoint(statement, "the signature is not base64url");
        }
        return AuditSigningKey.Verify(x, statement.SignedBytes(), signature)
            ? new Checkpoint(statement, null)
            : new Checkpoint(statement, $"the signature does not verify with key {kid}");
    }

    private AuditVerification Judge()
    {
        var notes = new List<string>();
        foreach (var (node, entries) in nodes)
        {
            if (Walk(node, entries) is { } problem)
                problems.Add(problem);
            else if (Tail(node, entries, notes) is { } truncated)
                problems.Add(truncated);
        }
        problems.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new AuditVerification(problems, events, checkpoints, nodes.Count, notes);
    }

    /// <summary>The chain in file order; the first problem, or null.</summary>
    private static AuditProblem? Walk(string node, List<Entry> entries)
    {
        var firstIndex = new Dictionary<long, int>();
        for (var i = entries.Count - 1; i >= 0; i--)
            firstIndex[entries[i].Seq] = i;
        var expected = 1L;
        var previousHash = AuditChain.Genesis(node);
        Entry? previous = null;
        long lastCheckpointSeq = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Malformed is { } reason)
                return new AuditProblem(AuditProblemKind.Malformed, node, e.Line, null, reason);
            if (e.Seq != expected)
            {
                if (e.Seq > expected && firstIndex.TryGetValue(expected, out var later) && later > i)
                    return new AuditProblem(AuditProblemKind.Reorder, node, e.Line, expected,
                        $"seq {Num(e.Seq)} comes before seq {Num(expected)} (line {Num(entries[later].Line)})");
                if (e.Seq > expected)
                    return new AuditProblem(AuditProblemKind.Gap, node, e.Line, expected, e.Seq - expected == 1
                        ? $"seq {Num(expected)} is missing before seq {Num(e.Seq)}: 1 event deleted"
                        : $"seq {Num(expected)}..{Num(e.Seq - 1)} are missing before seq {Num(e.Seq)}: {Num(e.Seq - expected)} events deleted");
                return new AuditProblem(AuditProblemKind.Reorder, node, e.Line, e.Seq,
                    $"seq {Num(e.Seq)} comes after seq {Num(expected - 1)}");
            }
            if (!string.Equals(e.PrevHash, previousHash, StringComparison.Ordinal))
            {
                return previous is null
                    ? new AuditProblem(AuditProblemKind.Edited, node, e.Line, e.Seq, "prev_hash of seq 1 is not the genesis value of the node")
                    : new AuditProblem(AuditProblemKind.Edited, node, previous.Line, previous.Seq,
                        $"seq {Num(previous.Seq)} does not hash to the prev_hash of seq {Num(e.Seq)} (line {Num(e.Line)}): the event was edited");
            }
            if (e.Checkpoint is { } checkpoint)
            {
                if (checkpoint.Failure is { } failure)
                    return new AuditProblem(AuditProblemKind.ForgedCheckpoint, node, e.Line, e.Seq, failure);
                var s = checkpoint.Statement!;
                if (s.LastSeq != e.Seq - 1 || s.FirstSeq != lastCheckpointSeq + 1)
                    return new AuditProblem(AuditProblemKind.ForgedCheckpoint, node, e.Line, e.Seq,
                        $"the checkpoint claims seq {Num(s.FirstSeq)}..{Num(s.LastSeq)} but covers seq {Num(lastCheckpointSeq + 1)}..{Num(e.Seq - 1)}");
                if (!string.Equals(s.HeadHash, e.PrevHash, StringComparison.Ordinal))
                    return new AuditProblem(AuditProblemKind.Edited, node, e.Line, e.Seq,
                        $"seq {Num(s.FirstSeq)}..{Num(s.LastSeq)} no longer hash to the head this checkpoint signed: an event was edited and the chain recomputed");
                lastCheckpointSeq = e.Seq;
            }
            previousHash = e.Hash;
            previous = e;
            expected++;
        }
        return null;
    }

    /// <summary>The events after the node's last checkpoint: truncated when a checkpoint was due among them.</summary>
    private AuditProblem? Tail(string node, List<Entry> entries, List<string> notes)
    {
        var lastCheckpoint = entries.FindLastIndex(e => e.Checkpoint is not null);
        var rule = lastCheckpoint >= 0 ? entries[lastCheckpoint].Checkpoint!.Statement! : null;
        var ruleEvery = rule?.Every ?? every;
        var ruleSeconds = rule?.Seconds ?? seconds;
        var tail = entries.Count - lastCheckpoint - 1;
        if (tail == 0)
            return null;
        var first = entries[lastCheckpoint + 1];
        var last = entries[^1];
        var after = lastCheckpoint >= 0 ? $"after the checkpoint at seq {Num(entries[lastCheckpoint].Seq)}" : "and no checkpoint";
        if (tail >= ruleEvery)
            return new AuditProblem(AuditProblemKind.TruncatedTail, node, last.Line, last.Seq,
                $"the stream ends with {Num(tail)} events {after}; the node signs a checkpoint after every {Num(ruleEvery)}: the tail was cut");
        var end = exportedAt ?? newest;
        if (first.Time is { } since && end is { } until && until - since > TimeSpan.FromSeconds(2.0 * ruleSeconds))
            return new AuditProblem(AuditProblemKind.TruncatedTail, node, last.Line, last.Seq,
                $"seq {Num(first.Seq)} ({since:O}) is {Num((long)(until - since).TotalSeconds)} s older than the export ({until:O}) with no checkpoint {after}; the node signs one every {Num(ruleSeconds)} s: the tail was cut");
        notes.Add($"node={node}: seq {Num(first.Seq)}..{Num(last.Seq)} follow the last checkpoint and are not signed yet");
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private sealed record Entry(long Line, long Seq, string PrevHash, string Hash, DateTimeOffset? Time, Checkpoint? Checkpoint, string? Malformed);

    /// <summary>A checkpoint as read: its statement, and why it does not verify (null when it does).</summary>
    private sealed record Checkpoint(CheckpointStatement? Statement, string? Failure);
}
