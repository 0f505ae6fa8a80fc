using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>
/// One node's audit stream written through <see cref="AuditCheckpoints"/> on a fake clock, as the lines
/// of an export, with the edits an attacker would make to them.
/// </summary>
internal sealed class AuditStream : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private const string ResourceRef = "p8hREq9O-3DeHnnGUI4MuBZl4bhLkJNAL9eMZyhqj8w";

    private readonly AuditChain chain;

    public AuditStream(string nodeId = "node-a.0001", int every = 5, int seconds = 60, AuditSigningKey? key = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Key = key ?? AuditSigningKey.Generate();
        chain = new AuditChain(nodeId);
        Checkpoints = new AuditCheckpoints(chain, Key, "t1", every, seconds, Time);
    }

    public FakeTimeProvider Time { get; }

    public AuditSigningKey Key { get; }

    public AuditCheckpoints Checkpoints { get; }

    public List<string> Lines { get; } = [];

    /// <summary>The published key set: this stream's key.</summary>
    public IReadOnlyDictionary<string, string> Keys => new Dictionary<string, string> { [Key.Kid] = Key.X };

    /// <summary><paramref name="count"/> SECRET_READ events, <paramref name="apart"/> after one another (default 1 s).</summary>
    public AuditStream Events(int count, TimeSpan? apart = null)
    {
        for (var i = 0; i < count; i++)
        {
            Time.Advance(apart ?? TimeSpan.FromSeconds(1));
            var now = Time.GetUtcNow();
            var written = Checkpoints.Append(new AuditCloudEvent("SECRET_READ", now, ResourceRef), now, static (json, link, now) =>
            {
                json.WriteString("event_type", "SECRET_READ");
                json.WriteString("time", now);
                json.WriteString("tenant", "t1");
                json.WriteString("effect", "success");
                json.WriteString("resource_ref", ResourceRef);
                json.WriteString("correlation_id", "c-" + link.Seq);
            });
            Lines.Add(Encoding.UTF8.GetString(written.Event.Line));
            if (written.Checkpoint is { } checkpoint)
                Lines.Add(Encoding.UTF8.GetString(checkpoint.Line));
        }
        return this;
    }

    /// <summary>The checkpoint the timer (or a stop) writes over the events not yet covered.</summary>
    public AuditStream Pending(TimeSpan? after = null)
    {
        Time.Advance(after ?? TimeSpan.FromSeconds(1));
        if (Checkpoints.CheckpointPending() is { } checkpoint)
            Lines.Add(Encoding.UTF8.GetString(checkpoint.Line));
        return this;
    }

    public int IndexOfSeq(long seq) => Lines.FindIndex(l => Seq(l) == seq);

    /// <summary>The line with one member of its data changed (re-serialized: every byte may change, as in any edit).</summary>
    public static string Edit(string line, string member, JsonNode? value)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        node["data"]![member] = value;
        return node.ToJsonString();
    }

    /// <summary>From <paramref name="from"/> on, each line's prev_hash set to the hash of the line before: a recomputed chain.</summary>
    public static void Rechain(List<string> lines, int from)
    {
        for (var i = Math.Max(from, 1); i < lines.Count; i++)
            lines[i] = Edit(lines[i], "prev_hash", AuditChain.Hash(Encoding.UTF8.GetBytes(lines[i - 1])));
    }

    public static Task<AuditVerification> VerifyAsync(IEnumerable<string> lines, IReadOnlyDictionary<string, string> keys,
        int every = 5, int seconds = 60, DateTimeOffset? at = null)
    {
        var export = new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
        return AuditVerifier.VerifyAsync(export, keys, every, seconds, at, CancellationToken.None);
    }

    public static long Seq(string line) => JsonDocument.Parse(line).RootElement.GetProperty("data").GetProperty("seq").GetInt64();

    public void Dispose()
    {
        chain.Dispose();
        Key.Dispose();
    }
}
