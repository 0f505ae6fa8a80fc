using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Audit.Integrity;

/// <summary>
/// The hash chain of one node's audit stream (docs/AUDIT.md#tamper-evidence). Each event is one CloudEvent
/// (<see cref="AuditCloudEvent"/>) whose <c>data</c> starts with the chain fields <c>node_id</c>,
/// <c>seq</c> (1, 2, … per node) and <c>prev_hash</c>; an event's hash is base64url (no padding) of
/// SHA-256 over its line exactly as written: the UTF-8 bytes of the object, without the newline that ends
/// it in an export. The first event's <c>prev_hash</c> is <see cref="Genesis"/> of the node. A verifier
/// recomputes each hash from the stored line byte for byte; no field is re-serialized. Numbering, writing
/// and hashing happen under one lock, so <c>seq</c> order and chain order always agree.
/// </summary>
internal sealed class AuditChain : IDisposable
{
    /// <summary>The genesis input: the first event's <c>prev_hash</c> is the hash of this text followed by the node id.</summary>
    public const string GenesisPrefix = "secrets-platform/audit-chain/v1/";

    private readonly Lock gate = new();
    private readonly ArrayBufferWriter<byte> buffer = new(2048);
    private readonly Utf8JsonWriter writer;
    private readonly string source;
    private long seq;
    private string head;

    public AuditChain(string nodeId)
    {
        AuditStreamRules.ValidateNodeId(nodeId, nameof(nodeId));
        NodeId = nodeId;
        head = Genesis(nodeId);
        source = AuditCloudEvent.SourcePrefix + nodeId;
        writer = new Utf8JsonWriter(buffer);
    }

    public string NodeId { get; }

    /// <summary>The <c>seq</c> of the last event written (0 before the first).</summary>
    public long LastSeq => Volatile.Read(ref seq);

    /// <summary>
    /// Writes the next event: the envelope, the chain fields and the members <paramref name="writeData"/> writes
    /// into <c>data</c> (it must not write <c>node_id</c>, <c>seq</c> or <c>prev_hash</c>), and hashes the line.
    /// </summary>
    public ChainedEvent Append<TState>(AuditCloudEvent envelope, TState state, Action<Utf8JsonWriter, ChainLink, TState> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        lock (gate)
        {
            var link = new ChainLink(NodeId, seq + 1, head);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("specversion"u8, AuditCloudEvent.SpecVersion);
            Span<char> id = stackalloc char[NodeId.Length + 21];
            NodeId.CopyTo(id);
            id[NodeId.Length] = ':';
            link.Seq.TryFormat(id[(NodeId.Length + 1)..], out var digits, provider: CultureInfo.InvariantCulture);
            writer.WriteString("id"u8, id[..(NodeId.Length + 1 + digits)]);
            writer.WriteString("source"u8, source);
            Span<char> type = stackalloc char[AuditCloudEvent.TypePrefix.Length + envelope.EventType.Length];
            AuditCloudEvent.TypePrefix.CopyTo(type);
            envelope.EventType.CopyTo(type[AuditCloudEvent.TypePrefix.Length..]);
            writer.WriteString("type"u8, type);
            writer.WriteString("time"u8, envelope.Time);
            writer.WriteString("datacontenttype"u8, AuditCloudEvent.DataContentType);
            writer.WriteString("dataschema"u8, AuditCloudEvent.DataSchema);
            if (envelope.Subject is { } subject)
                writer.WriteString("subject"u8, subject);
            writer.WriteStartObject("data"u8);
            writer.WriteString("node_id"u8, link.NodeId);
            writer.WriteNumber("seq"u8, link.Seq);
            writer.WriteString("prev_hash"u8, link.PrevHash);
            writeData(writer, link, state);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            var line = buffer.WrittenSpan.ToArray();
            var hash = Hash(line);
            head = hash;
            Volatile.Write(ref seq, link.Seq);
            return new ChainedEvent(link.Seq, link.PrevHash, hash, line);
        }
    }

    /// <summary>base64url(SHA-256(<paramref name="line"/>)) without padding.</summary>
    public static string Hash(ReadOnlySpan<byte> line)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(line, digest);
        return Base64Url.EncodeToString(digest);
    }

    /// <summary>The first event's <c>prev_hash</c>: the hash of <c>secrets-platform/audit-chain/v1/</c> + node id, in UTF-8.</summary>
    public static string Genesis(string nodeId) => Hash(Encoding.UTF8.GetBytes(GenesisPrefix + nodeId));

    public void Dispose() => writer.Dispose();
}
