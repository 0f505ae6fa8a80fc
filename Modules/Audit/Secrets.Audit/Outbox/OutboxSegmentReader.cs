using System.Buffers.Binary;

namespace Secrets.Audit.Outbox;

/// <summary>
/// Reads the records of one segment file in order, from a byte position up to a limit (the file's durable length);
/// it never reads past the limit, so a record the writer has not yet flushed is never seen.
/// </summary>
internal sealed class OutboxSegmentReader : IDisposable
{
    private readonly FileStream file;
    private readonly long limit;
    private byte[] buffer = new byte[4096];

    public OutboxSegmentReader(string path, long position, long limit)
    {
        file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        file.Position = position;
        Position = position;
        this.limit = limit;
    }

    /// <summary>The byte position of the next record (after the last one <see cref="Next"/> returned).</summary>
    public long Position { get; private set; }

    /// <summary>The payload of the last record <see cref="Next"/> returned; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>Reads the record at <see cref="Position"/>; only <see cref="OutboxFrameStatus.Record"/> moves the position on.</summary>
    public OutboxFrameStatus Next()
    {
        var left = limit - Position;
        if (left == 0)
            return OutboxFrameStatus.End;
        if (left < OutboxFraming.HeaderBytes)
            return OutboxFrameStatus.Short;
        file.Position = Position;
        file.ReadExactly(buffer, 0, OutboxFraming.HeaderBytes);
        var length = BinaryPrimitives.ReadInt32LittleEndian(buffer);
        if (length <= 0 || length > OutboxFraming.MaxPayloadBytes)
            return OutboxFrameStatus.BadLength;
        var framed = OutboxFraming.FramedLength(length);
        if (left < framed)
            return OutboxFrameStatus.Short;
        if (buffer.Length < framed)
            Array.Resize(ref buffer, Math.Max(framed, buffer.Length * 2));
        file.ReadExactly(buffer, OutboxFraming.HeaderBytes, framed - OutboxFraming.HeaderBytes);
        var end = OutboxFraming.HeaderBytes + length;
        if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(end)) != OutboxFraming.Crc32C(buffer.AsSpan(0, end)))
            return OutboxFrameStatus.BadCrc;
        Payload = buffer.AsMemory(OutboxFraming.HeaderBytes, length);
        Position += framed;
        return OutboxFrameStatus.Record;
    }

    /// <summary>The length of the record at <see cref="Position"/> as its header says (after a bad CRC: where it would end).</summary>
    public long FramedLengthAtPosition() =>
        OutboxFraming.FramedLength(BinaryPrimitives.ReadInt32LittleEndian(buffer));

    /// <summary>Whether every byte from <see cref="Position"/> to the limit is zero (a file extended but never written).</summary>
    public bool RestIsZero()
    {
        file.Position = Position;
        var chunk = new byte[64 * 1024];
        for (var left = limit - Position; left > 0;)
        {
            var read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, left));
            if (read == 0)
                return true;
            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
                return false;
            left -= read;
        }
        return true;
    }

    public void Dispose() => file.Dispose();
}
