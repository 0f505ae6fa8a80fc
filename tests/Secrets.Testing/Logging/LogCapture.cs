using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Secrets.Testing.Logging;

/// <summary>Every log event the host wrote, rendered with its properties, for canary checks.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => [.. events];

    /// <summary>Message, properties and exceptions of every event, as one text.</summary>
    public string AllText() => string.Join('\n', events.Select(e =>
        e.RenderMessage() + " " + string.Join(' ', e.Properties.Select(p => p.Key + "=" + p.Value)) + " " + e.Exception));
}
