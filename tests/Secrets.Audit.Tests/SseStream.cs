using System.Net.Http.Headers;
using System.Text;

namespace Secrets.Audit.Tests;

/// <summary>
/// A client of GET /api/secrets/events that reads frame by frame. Every read takes a token, so a
/// test bounds its waits; disposing the stream disposes the response (the client goes away).
/// </summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly StreamReader reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        Response = response;
        reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response { get; }

    /// <summary>Every frame and comment line read so far, as received.</summary>
    public StringBuilder Transcript { get; } = new();

    public static async Task<SseStream> OpenAsync(HttpClient client, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        return new SseStream(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The next frame with at least one field (comment-only frames such as keep-alives are skipped); null at the end of the stream.</summary>
    public async Task<SseFrame?> NextAsync(CancellationToken ct)
    {
        while (true)
        {
            string? id = null, type = null, data = null;
            var raw = new StringBuilder();
            while (true)
            {
                var line = await reader.ReadLineAsync(ct).AsTask().WaitAsync(ct);
                if (line is null)
                    return null;
                raw.Append(line).Append('\n');
                Transcript.Append(line).Append('\n');
                if (line.Length == 0)
                    break;
                if (line.StartsWith(':'))
                    continue;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id": id = value; break;
                    case "event": type = value; break;
                    case "data": data = data is null ? value : data + "\n" + value; break;
                }
            }
            if (id is not null || type is not null || data is not null)
                return new SseFrame(id, type, data, raw.ToString());
        }
    }

    /// <summary>Reads frames until <paramref name="last"/> matches one; returns every frame read, that one included.</summary>
    public async Task<IReadOnlyList<SseFrame>> ReadUntilAsync(Func<SseFrame, bool> last, CancellationToken ct)
    {
        var frames = new List<SseFrame>();
        while (await NextAsync(ct) is { } frame)
        {
            frames.Add(frame);
            if (last(frame))
                return frames;
        }
        throw new InvalidOperationException("the event stream ended before the expected frame arrived; read so far:\n" + Transcript);
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        Response.Dispose();
        return ValueTask.CompletedTask;
    }
}
