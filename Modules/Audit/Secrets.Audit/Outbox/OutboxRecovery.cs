using Microsoft.Extensions.Logging;

namespace Secrets.Audit.Outbox;

/// <summary>
/// Opens the outbox directory as a crash left it (docs/AUDIT.md#outbox): reads the acknowledged offset, deletes
/// segments it covers, and scans the last segment. A torn final record (a short length, a short payload or CRC, a bad
/// CRC on the record that ends the file, or a zero-filled tail) was never flushed, so no append completed for it: it
/// is cut off (file length set back, fsync), logged with its offset and size, and counted. Zeros that start where a
/// record would (the space the writer fills ahead of its records, left by a crash) are cut off too, but no record was
/// torn there: they are neither counted nor warned about. A record that fails its
/// checks with more bytes after it is corruption of data that was once durable: opening stops with
/// <see cref="AuditOutboxFailure.Corrupt"/> and skips nothing.
/// </summary>
internal static class OutboxRecovery
{
    /// <summary>What opening found: the segments in order, the durable length of the last, the next offset and the acknowledged one.</summary>
    internal sealed record State(List<OutboxSegment> Segments, long LastLength, long NextOffset, long Acknowledged);

    public static State Open(AuditOutboxOptions options, ILogger logger)
    {
        var dir = options.Path;
        try
        {
            Directory.CreateDirectory(dir);
            OutboxAckFile.DeleteLeftovers(dir);
            var acknowledged = OutboxAckFile.Read(dir);
            var found = Directory.EnumerateFiles(dir, "*" + OutboxSegment.Extension)
                .Select(path => (Path: path, Base: OutboxSegment.ParseBaseOffset(System.IO.Path.GetFileName(path))))
                .Where(s => s.Base is not null)
                .OrderBy(s => s.Base)
                .Select(s => (s.Path, Base: s.Base!.Value))
                .ToList();
            if (found.Count == 0)
            {
                var first = acknowledged + 1;
                var path = System.IO.Path.Combine(dir, OutboxSegment.FileName(first));
                using (new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                }
                OutboxDirectory.Flush(dir);
                return new State([new OutboxSegment(first, path, 0)], 0, first, acknowledged);
            }

            // a crash between writing the acknowledgement and deleting the segments it covers leaves them behind
            while (found.Count > 1 && found[1].Base <= acknowledged + 1)
            {
                File.Delete(found[0].Path);
                found.RemoveAt(0);
            }

            if (found[0].Base > acknowledged + 1)
                throw new AuditOutboxException(AuditOutboxFailure.Corrupt,
                    $"the outbox {dir} acknowledges offset {acknowledged} but its first segment starts at offset {found[0].Base}");

            var last = found[^1];
            var (count, length) = ScanLast(last.Path, last.Base, logger);
            var next = last.Base + count;
            if (acknowledged >= next)
                throw new AuditOutboxException(AuditOutboxFailure.Corrupt,
                    $"the outbox {dir} acknowledges offset {acknowledged} but its records end before offset {next}");

            var segments = new List<OutboxSegment>(found.Count);
            long start = 0;
            for (var i = 0; i < found.Count; i++)
            {
                segments.Add(new OutboxSegment(found[i].Base, found[i].Path, start));
                start += i < found.Count - 1 ? new FileInfo(found[i].Path).Length : length;
            }
            return new State(segments, length, next, acknowledged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AuditOutboxException(AuditOutboxFailure.Unwritable, $"the outbox directory {dir} cannot be opened for writing", e);
        }
    }

    /// <summary>Counts the last segment's records and cuts off a torn tail; returns the record count and the durable length.</summary>
    private static (long Count, long Length) ScanLast(string path, long baseOffset, ILogger logger)
    {
        long fileLength;
        using (var handle = File.OpenHandle(path))
            fileLength = RandomAccess.GetLength(handle);
        long count = 0;
        long position;
        bool torn;
        bool unused;
        using (var reader = new OutboxSegmentReader(path, 0, fileLength))
        {
            OutboxFrameStatus status;
            while ((status = reader.Next()) == OutboxFrameStatus.Record)
                count++;
            position = reader.Position;
            unused = status == OutboxFrameStatus.BadLength && reader.RestIsZero();
            torn = status switch
            {
                OutboxFrameStatus.End => false,
                _ when unused => true,
                OutboxFrameStatus.Short => true,
                OutboxFrameStatus.BadCrc when position + reader.FramedLengthAtPosition() == fileLength => true,
                _ when reader.RestIsZero() => true,
                _ => throw new AuditOutboxException(AuditOutboxFailure.Corrupt,
                    $"the outbox segment {path} fails its {(status == OutboxFrameStatus.BadCrc ? "CRC" : "length")} check at byte {position} (offset {baseOffset + count}) with {fileLength - position} bytes after it"),
            };
        }
        if (!torn)
            return (count, fileLength);

        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
        {
            file.SetLength(position);
            file.Flush(flushToDisk: true);
        }
        var dropped = fileLength - position;
        if (unused)
        {
            logger.LogInformation("Audit outbox: cut {Bytes} bytes of zeros (space filled ahead of the records) off {Segment} at offset {Offset}",
                dropped, System.IO.Path.GetFileName(path), baseOffset + count);
            return (count, position);
        }
        logger.LogWarning("Audit outbox: cut a torn record off {Segment} at offset {Offset}, byte {Position}: {Bytes} bytes dropped",
            System.IO.Path.GetFileName(path), baseOffset + count, position, dropped);
        AuditOutboxMetrics.Truncated.Add(1);
        return (count, position);
    }
}
