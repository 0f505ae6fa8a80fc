using System.Buffers.Binary;

namespace Secrets.Testing.Audit;

/// <summary>
/// Reads an outbox directory from outside the service, by its documented format (docs/AUDIT.md#on-disk): segment
/// files named by the offset of their first record, each record a 4-byte little-endian length, the payload and a
/// 4-byte CRC. For tests that watch a host (also one in another process) without its classes.
/// </summary>
public static class OutboxFiles
{
    /// <summary>The segment files, oldest first.</summary>
    public static string[] Segments(string outboxPath) =>
        [.. Directory.GetFiles(outboxPath, "*.seg").Order(StringComparer.Ordinal)];

    /// <summary>
    /// The payload of every whole record on disk, in offset order. A tail shorter than its frame (torn) ends the read;
    /// CRCs are not checked here (the service does that when it opens and reads).
    /// </summary>
    public static IReadOnlyList<byte[]> Payloads(string outboxPath)
    {
        var payloads = new List<byte[]>();
        foreach (var segment in Segments(outboxPath))
        {
            var bytes = File.ReadAllBytes(segment);
            for (var at = 0; at + 4 <= bytes.Length;)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
                if (length <= 0 || at + 4 + length + 4 > bytes.Length)
                    break;
                payloads.Add(bytes.AsSpan(at + 4, length).ToArray());
                at += 4 + length + 4;
            }
        }
        return payloads;
    }

    /// <summary>The relay's last acknowledged offset (the <c>ack</c> file), or -1 while it has acknowledged nothing.</summary>
    public static long Acknowledged(string outboxPath)
    {
        var path = Path.Combine(outboxPath, "ack");
        try
        {
            return long.Parse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FileNotFoundException)
        {
            return -1;
        }
        catch (DirectoryNotFoundException)
        {
            return -1;
        }
    }
}
