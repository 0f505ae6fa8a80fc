using System.Buffers.Binary;
using System.Numerics;

namespace Secrets.Audit.Outbox;

/// <summary>
/// One record on disk: a 4-byte little-endian payload length, the payload, and a 4-byte little-endian CRC-32C
/// (Castagnoli, as Kafka and ext4 use; the CPU's CRC32 instruction where there is one) of the length and the payload.
/// </summary>
internal static class OutboxFraming
{
    public const int HeaderBytes = 4;
    public const int TrailerBytes = 4;
    public const int OverheadBytes = HeaderBytes + TrailerBytes;

    /// <summary>The largest payload one record holds; an audit event is well under 1 KiB.</summary>
    public const int MaxPayloadBytes = 1 << 20;

    public static int FramedLength(int payloadLength) => payloadLength + OverheadBytes;

    /// <summary>Writes the framed record into <paramref name="destination"/> and returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
        payload.CopyTo(destination[HeaderBytes..]);
        var end = HeaderBytes + payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[end..], Crc32C(destination[..end]));
        return end + TrailerBytes;
    }

    /// <summary>CRC-32C of <paramref name="data"/> (initial value and final XOR all ones).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
