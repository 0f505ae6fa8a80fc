using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Secrets.Testing.Logging;

/// <summary>
/// Records what a component logs through Microsoft.Extensions.Logging, at every level: each entry with its level,
/// category and message, and every line and scope begun as text with its structured values, scopes and exception.
/// Add it to a service collection's logging (<c>AddProvider</c>) or hand a component <see cref="Logger{T}"/>.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> entries = new();
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    /// <summary>Every entry logged, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. entries];

    /// <summary>Every entry and every scope begun, as text: level, category, message, values, scopes and exception.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>All <see cref="Lines"/> as one text.</summary>
    public string Text => string.Join('\n', lines);

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    /// <summary>A logger of <typeparamref name="T"/>'s category that writes here.</summary>
    public ILogger<T> Logger<T>() => new Typed<T>(CreateLogger(typeof(T).FullName!));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static string Describe(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? "";

    private sealed class Capturing(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            owner.lines.Enqueue($"{category} scope: {Describe(state)}");
            return owner.scopes.Push(state);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var scoped = new List<string>();
            owner.scopes.ForEachScope((scope, list) => list.Add(Describe(scope)), scoped);
            owner.entries.Enqueue(new LogEntry(logLevel, category, message));
            owner.lines.Enqueue($"{logLevel} {category}: {message} | {Describe(state)} | {string.Join("; ", scoped)} | {exception}");
        }
    }

    private sealed class Typed<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
