using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// A read-only stream that tells <paramref name="onRead"/> how many bytes have been read so far, after every read: the
/// request body limit (<see cref="Limited"/>) and the restore command's upload progress.
/// </summary>
internal sealed class ReadCountingStream(Stream inner, Action<long> onRead) : Stream
{
    private long read;

    /// <summary>Fails a body without Content-Length once it passes the limit (Kestrel does the same; other servers may not).</summary>
    public static ReadCountingStream Limited(Stream inner, long limit) =>
        new(inner, read => { if (read > limit) throw new SecretsProblem(ErrorCode.PayloadTooLarge); });

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        read += n;
        onRead(read);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
