using System.Net;
using System.Net.Http.Headers;

namespace Secrets.Client.Archives;

/// <summary>An archive upload that reports the bytes sent so far.</summary>
internal sealed class ProgressContent : HttpContent
{
    private readonly Stream source;
    private readonly IProgress<long>? sent;

    public ProgressContent(Stream source, long? length, IProgress<long>? sent)
    {
        this.source = source;
        this.sent = sent;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Headers.ContentLength = length;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            sent?.Report(total);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = Headers.ContentLength ?? 0;
        return Headers.ContentLength is not null;
    }
}
