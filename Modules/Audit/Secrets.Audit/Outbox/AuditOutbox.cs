using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Secrets.Audit.Outbox;

/// <summary>
/// The durable local outbox of the audit pipeline (docs/AUDIT.md#outbox): append-only segment files of framed records
/// (<see cref="OutboxFraming"/>) that the Kafka relay reads in order and acknowledges.
/// <list type="bullet">
/// <item>An offset is a record's sequence number: the first record ever appended is 0, and each segment file is named by
/// the offset of its first record. Offsets survive restarts and acknowledgements unchanged, so a record read again
/// after a crash carries the offset (and the payload, with its event id) it had before.</item>
/// <item><see cref="AppendAsync"/> completes only when its record is on disk. Appends queue for one writer thread, which
/// writes everything queued as one batch and flushes it with one fdatasync (group commit). Ahead of the records, the
/// segment being written is filled with zeros and flushed in the background, so a batch's flush has no file size to
/// commit; the zeros after the last record are cut off again when the segment rolls over and when the outbox closes.</item>
/// <item>Appends are refused with <see cref="AuditOutboxFailure.Full"/> while the un-acknowledged bytes would pass
/// <see cref="AuditOutboxOptions.MaxBytes"/>, and with <see cref="AuditOutboxFailure.Unwritable"/> when a write or
/// flush fails. A failed write is cut off again and the next batch tries afresh; a failed fsync leaves the kernel's copy
/// of the file in doubt, so the outbox refuses every append until it is opened again and its files are scanned.</item>
/// </list>
/// </summary>
internal sealed class AuditOutbox : IAsyncDisposable
{
    /// <summary>A batch stops taking queued appends at this many bytes (one more record may follow).</summary>
    private const int BatchBytes = 1 << 20;

    /// <summary>The active segment is kept filled with zeros (on disk) up to this many bytes past its last record.</summary>
    private const int PreallocateBytes = 4 << 20;

    private static readonly byte[] Zeros = new byte[1 << 20];

    private readonly AuditOutboxOptions options;
    private readonly ILogger logger;
    private readonly Queue<OutboxAppend> queued = new();
    private readonly object queueGate = new();   // a monitor: the writer sleeps on it while nothing is queued
    private readonly Lock gate = new();
    private readonly Lock ackLock = new();
    private readonly List<OutboxSegment> segments;
    private readonly Thread writer;
    private readonly FileStream directoryLock;
    private readonly TaskCompletionSource writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SafeFileHandle active;
    private long allocated;          // writer only: the active segment is records or flushed zeros up to here
    private Task<long>? extending;   // writer only: the zero fill from allocated on, completing with where it ends
    private bool closing;            // under queueGate
    private bool writerWaiting;      // under queueGate
    private long committedLength;
    private long committedNext;
    private long acknowledged;
    private long acknowledgedByte;
    private long reservedEnd;
    private long fsyncs;
    private OutboxCursor cursor;
    private volatile bool faulted;
    private volatile bool writeFailed;
    private volatile bool refusedFull;
    private volatile bool corrupt;
    private volatile bool disposed;

    private AuditOutbox(AuditOutboxOptions options, ILogger logger, OutboxRecovery.State state, FileStream directoryLock)
    {
        this.options = options;
        this.directoryLock = directoryLock;
        this.logger = logger;
        segments = state.Segments;
        committedLength = state.LastLength;
        committedNext = state.NextOffset;
        acknowledged = state.Acknowledged;
        var last = segments[^1];
        cursor = new OutboxCursor(segments[0].BaseOffset, segments[0].BaseOffset, 0);
        acknowledgedByte = Locate(acknowledged + 1);
        reservedEnd = last.StartByte + committedLength;
        active = File.OpenHandle(last.Path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete);
        allocated = committedLength;   // opening cut the file back to its records
        writer = new Thread(WriteLoop) { IsBackground = true, Name = "audit outbox writer" };
        writer.Start();
        AuditOutboxMetrics.Track(this);
    }

    /// <summary>
    /// Opens (or creates) the outbox in <see cref="AuditOutboxOptions.Path"/>, cutting off a torn final record.
    /// Throws <see cref="AuditOutboxException"/>: <see cref="AuditOutboxFailure.Unwritable"/> when the directory
    /// cannot be created or written, <see cref="AuditOutboxFailure.Corrupt"/> when a durable record fails its checks,
    /// <see cref="AuditOutboxFailure.InUse"/> when another outbox (another process) holds the directory.
    /// </summary>
    public static AuditOutbox Open(AuditOutboxOptions options, ILogger<AuditOutbox> logger)
    {
        var held = OutboxLock.Acquire(options.Path, OutboxLock.DefaultWait);
        try
        {
            return new(options, logger, OutboxRecovery.Open(options, logger), held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>The offset the next appended record will get (one past the last durable record).</summary>
    public long NextOffset
    {
        get
        {
            lock (gate)
                return committedNext;
        }
    }

    /// <summary>The first offset the relay has not acknowledged: where it resumes after a restart.</summary>
    public long NextUnacknowledged
    {
        get
        {
            lock (gate)
                return acknowledged + 1;
        }
    }

    /// <summary>Bytes on disk or queued that the relay has not acknowledged (framing included); the depth metric.</summary>
    public long DepthBytes => Volatile.Read(ref reservedEnd) - Volatile.Read(ref acknowledgedByte);

    /// <summary>Durable records the relay has not acknowledged.</summary>
    public long DepthRecords
    {
        get
        {
            lock (gate)
                return committedNext - acknowledged - 1;
        }
    }

    /// <summary>How many group commits (one fdatasync each) have been made since opening.</summary>
    public long FsyncCount => Interlocked.Read(ref fsyncs);

    public AuditOutboxHealth Health
    {
        get
        {
            if (faulted || writeFailed || refusedFull || corrupt)
                return AuditOutboxHealth.Unhealthy;
            var depth = DepthBytes;
            if (depth >= options.MaxBytes)
                return AuditOutboxHealth.Unhealthy;
            return depth * 5 >= options.MaxBytes * 4 ? AuditOutboxHealth.Degraded : AuditOutboxHealth.Healthy;
        }
    }

    /// <summary>
    /// Appends one record and completes with its offset once it is flushed to disk with its batch. The payload is read
    /// when the batch is written: keep it unchanged until this completes. Cancelling stops the wait, not the write.
    /// </summary>
    public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(payload.Length, nameof(payload));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, OutboxFraming.MaxPayloadBytes, nameof(payload));
        ObjectDisposedException.ThrowIf(disposed, this);
        if (faulted)
            throw new AuditOutboxException(AuditOutboxFailure.Unwritable, $"the outbox {options.Path} failed to flush to disk; it accepts appends again once reopened");
        var append = new OutboxAppend(payload);
        while (true)
        {
            var reserved = Volatile.Read(ref reservedEnd);
            if (reserved + append.FramedLength - Volatile.Read(ref acknowledgedByte) > options.MaxBytes)
            {
                refusedFull = true;
                throw new AuditOutboxException(AuditOutboxFailure.Full, $"the outbox {options.Path} holds {options.MaxBytes} bytes the relay has not acknowledged");
            }
            if (Interlocked.CompareExchange(ref reservedEnd, reserved + append.FramedLength, reserved) == reserved)
                break;
        }
        lock (queueGate)
        {
            if (closing)
            {
                Interlocked.Add(ref reservedEnd, -append.FramedLength);
                throw new ObjectDisposedException(nameof(AuditOutbox));
            }
            queued.Enqueue(append);
            if (writerWaiting)
            {
                writerWaiting = false;
                Monitor.Pulse(queueGate);
            }
        }
        return new ValueTask<long>(ct.CanBeCanceled ? append.Task.WaitAsync(ct) : append.Task);
    }

    /// <summary>
    /// Up to <paramref name="maxRecords"/> durable records from <paramref name="fromOffset"/> on, in offset order
    /// (fewer, or none, at the end). A record that fails its checks throws <see cref="AuditOutboxFailure.Corrupt"/>
    /// and makes the outbox unhealthy; it is never skipped.
    /// </summary>
    public ValueTask<IReadOnlyList<OutboxRecord>> ReadAsync(long fromOffset, int maxRecords, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecords);
        ct.ThrowIfCancellationRequested();
        var records = new List<OutboxRecord>(Math.Min(maxRecords, 1024));
        Scan(fromOffset, maxRecords, records);
        return ValueTask.FromResult<IReadOnlyList<OutboxRecord>>(records);
    }

    /// <summary>
    /// Records that the relay has everything up to and including <paramref name="offset"/>: the offset is written
    /// atomically to the <c>ack</c> file, the space counts as free, and segments holding only acknowledged records are
    /// deleted. An offset at or below the current acknowledgement changes nothing.
    /// </summary>
    public ValueTask AcknowledgeAsync(long offset, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (ackLock)
        {
            long end;
            lock (gate)
            {
                if (offset <= acknowledged)
                    return ValueTask.CompletedTask;
                end = committedNext;
            }
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, end);
            var freedTo = Locate(offset + 1);
            try
            {
                OutboxAckFile.Write(options.Path, offset);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AuditOutboxException(AuditOutboxFailure.Unwritable, $"the outbox {options.Path} cannot record acknowledgements", e);
            }
            var covered = new List<OutboxSegment>();
            lock (gate)
            {
                acknowledged = offset;
                Volatile.Write(ref acknowledgedByte, freedTo);
                refusedFull = false;
                while (segments.Count > 1 && segments[1].BaseOffset <= offset + 1)
                {
                    covered.Add(segments[0]);
                    segments.RemoveAt(0);
                }
            }
            if (covered.Count > 0)
            {
                foreach (var segment in covered)
                    File.Delete(segment.Path);
                OutboxDirectory.Flush(options.Path);
            }
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        lock (queueGate)
        {
            closing = true;
            Monitor.Pulse(queueGate);
        }
        await writerDone.Task.ConfigureAwait(false);
        AuditOutboxMetrics.Untrack(this);
    }

    /// <summary>The running byte position where the record <paramref name="offset"/> starts (the end of the outbox for <see cref="NextOffset"/>).</summary>
    private long Locate(long offset)
    {
        lock (gate)
        {
            if (offset == committedNext)
                return segments[^1].StartByte + committedLength;
        }
        return Scan(offset, 0, null);
    }

    /// <summary>
    /// Walks the durable records from the nearest known position to <paramref name="from"/>, collecting up to
    /// <paramref name="max"/> of them; returns the running byte position where it stopped.
    /// </summary>
    private long Scan(long from, int max, List<OutboxRecord>? records)
    {
        OutboxSegment[] segs;
        long end;
        long lastLength;
        OutboxCursor start;
        lock (gate)
        {
            segs = [.. segments];
            end = committedNext;
            lastLength = committedLength;
            start = cursor;
        }
        var i = Array.FindLastIndex(segs, s => s.BaseOffset <= from);
        if (i < 0)
            throw new ArgumentOutOfRangeException(nameof(from), from, $"records before offset {segs[0].BaseOffset} were acknowledged and deleted");
        var (offset, position) = start.SegmentBase == segs[i].BaseOffset && start.Offset <= from && start.Offset <= end
            ? (start.Offset, start.Position)
            : (segs[i].BaseOffset, 0L);
        while (offset < end && !(offset >= from && (records?.Count ?? 0) >= max))
        {
            var limit = i + 1 < segs.Length ? segs[i + 1].StartByte - segs[i].StartByte : lastLength;
            using (var reader = new OutboxSegmentReader(segs[i].Path, position, limit))
            {
                while (offset < end && !(offset >= from && (records?.Count ?? 0) >= max))
                {
                    var status = reader.Next();
                    if (status == OutboxFrameStatus.End)
                        break;
                    if (status != OutboxFrameStatus.Record)
                        throw Corruption($"the outbox segment {segs[i].Path} fails its checks at byte {reader.Position} (offset {offset})");
                    if (offset >= from)
                        records?.Add(new OutboxRecord(offset, reader.Payload.ToArray()));
                    offset++;
                    position = reader.Position;
                }
            }
            if (offset >= end || (offset >= from && (records?.Count ?? 0) >= max) || i + 1 == segs.Length)
                break;
            i++;
            position = 0;
            if (offset != segs[i].BaseOffset)
                throw Corruption($"the outbox segment {segs[i].Path} starts at offset {segs[i].BaseOffset}, but the segment before it ends at offset {offset}");
        }
        lock (gate)
            cursor = new OutboxCursor(offset, segs[i].BaseOffset, position);
        return segs[i].StartByte + position;
    }

    private AuditOutboxException Corruption(string message)
    {
        corrupt = true;
        logger.LogError("Audit outbox: {Problem}", message);
        return new AuditOutboxException(AuditOutboxFailure.Corrupt, message);
    }

    /// <summary>
    /// The writer thread: sleeps while nothing is queued, takes everything queued (up to <see cref="BatchBytes"/>) as one
    /// batch and commits it; once closing, it commits what is still queued, then closes the active segment.
    /// </summary>
    private void WriteLoop()
    {
        var batch = new List<OutboxAppend>();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                batch.Clear();
                var bytes = 0;
                lock (queueGate)
                {
                    while (queued.Count == 0 && !closing)
                    {
                        writerWaiting = true;
                        Monitor.Wait(queueGate);
                    }
                    while (bytes < BatchBytes && queued.TryDequeue(out var append))
                    {
                        batch.Add(append);
                        bytes += append.FramedLength;
                    }
                }
                if (batch.Count == 0)
                    break;
                if (buffer.Length < bytes)
                    buffer = new byte[Math.Max(bytes, buffer.Length * 2)];
                var at = 0;
                foreach (var append in batch)
                    at += OutboxFraming.Write(append.Payload.Span, buffer.AsSpan(at));
                Commit(batch, buffer.AsSpan(0, bytes));
                Preallocate();
            }
            Close();
            writerDone.TrySetResult();
        }
        catch (Exception e)
        {
            writerDone.TrySetException(e);
        }
        finally
        {
            directoryLock.Dispose();   // the directory is free for the next process only once nothing here writes to it
        }
    }

    /// <summary>One group commit: one write and one fdatasync for the whole batch, then every append in it completes.</summary>
    private void Commit(List<OutboxAppend> batch, ReadOnlySpan<byte> data)
    {
        try
        {
            if (faulted)
                throw new IOException("an earlier flush failed");
            RollIfFull(data.Length);
            if (extending is not null && committedLength + data.Length > allocated)
                FinishPreallocating();   // the batch reaches into the zeros still being written
            RandomAccess.Write(active, data, committedLength);
        }
        catch (Exception e)
        {
            CutBack();
            Fail(batch, data.Length, e);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            OutboxFileSync.FlushData(active);
        }
        catch (Exception e)
        {
            faulted = true;
            Fail(batch, data.Length, e);
            return;
        }
        AuditOutboxMetrics.FsyncDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Interlocked.Increment(ref fsyncs);
        long first;
        lock (gate)
        {
            first = committedNext;
            committedNext += batch.Count;
            committedLength += data.Length;
        }
        writeFailed = false;
        for (var i = 0; i < batch.Count; i++)
            batch[i].TrySetResult(first + i);
    }

    /// <summary>
    /// Starts filling the next <see cref="PreallocateBytes"/> of the active segment with zeros (then a flush) on the thread
    /// pool when fewer than half of that are left past the last record, never past the segment size. The writer does not
    /// write into that range before the fill has completed. A fill that fails is dropped: batches then grow the file.
    /// </summary>
    private void Preallocate()
    {
        if (extending is { IsCompleted: true })
            FinishPreallocating();
        if (extending is not null || faulted)
            return;
        var from = Math.Max(allocated, committedLength);
        var to = Math.Min(from + PreallocateBytes, options.SegmentBytes);
        if (from - committedLength >= PreallocateBytes / 2 || to <= from)
            return;
        allocated = from;
        var file = active;
        extending = Task.Run(() => FillWithZeros(file, from, to));
    }

    private static long FillWithZeros(SafeFileHandle file, long from, long to)
    {
        for (var at = from; at < to; at += Zeros.Length)
            RandomAccess.Write(file, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, to - at)), at);
        RandomAccess.FlushToDisk(file);
        return to;
    }

    /// <summary>Waits for the zero fill in progress, if any; its range counts as allocated when it succeeded.</summary>
    private void FinishPreallocating()
    {
        if (extending is null)
            return;
        try
        {
            allocated = Math.Max(allocated, extending.GetAwaiter().GetResult());
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Audit outbox: filling the segment ahead with zeros failed; batches grow the file instead");
        }
        extending = null;
    }

    /// <summary>Cuts the zeros after the last record off the active segment (and flushes that), so only records remain.</summary>
    private void TrimActive()
    {
        FinishPreallocating();
        if (RandomAccess.GetLength(active) != committedLength)
        {
            RandomAccess.SetLength(active, committedLength);
            RandomAccess.FlushToDisk(active);
        }
        allocated = committedLength;
    }

    /// <summary>At close: the active segment loses its zeros (a failure leaves them for the next open to cut) and is closed.</summary>
    private void Close()
    {
        try
        {
            if (!faulted)
                TrimActive();
            else
                FinishPreallocating();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            logger.LogWarning(e, "Audit outbox: the zeros after the last record could not be cut off at close");
        }
        active.Dispose();
    }

    /// <summary>Starts a new segment, named by the next offset, when the batch would take the current one past its size.</summary>
    private void RollIfFull(int bytes)
    {
        if (committedLength == 0 || committedLength + bytes <= options.SegmentBytes)
            return;
        TrimActive();   // a segment before the last holds only records: opening counts its bytes by its length
        OutboxSegment next;
        lock (gate)
            next = new OutboxSegment(committedNext, Path.Combine(options.Path, OutboxSegment.FileName(committedNext)), segments[^1].StartByte + committedLength);
        var handle = File.OpenHandle(next.Path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
        try
        {
            OutboxDirectory.Flush(options.Path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        active.Dispose();
        active = handle;
        allocated = 0;
        lock (gate)
        {
            segments.Add(next);
            committedLength = 0;
        }
    }

    /// <summary>Takes a failed write's partial bytes (and the zeros after them) off the segment again; if that fails too, nothing more is appended.</summary>
    private void CutBack()
    {
        try
        {
            TrimActive();
        }
        catch (Exception)
        {
            faulted = true;
        }
    }
    private void Fail(List<OutboxAppend> batch, int bytes, Exception cause)
    {
        writeFailed = true;
        Interlocked.Add(ref reservedEnd, -bytes);
        logger.LogError(cause, "Audit outbox: a batch of {Records} records could not be written to {Directory}", batch.Count, options.Path);
        var failure = new AuditOutboxException(AuditOutboxFailure.Unwritable, $"the outbox {options.Path} could not write or flush a batch", cause);
        foreach (var append in batch)
            append.TrySetException(failure);
    }
}
