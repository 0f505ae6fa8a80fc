using Microsoft.Extensions.Logging;

namespace Secrets.Testing.Logging;

/// <summary>One entry a <see cref="CapturingLoggerProvider"/> recorded: its level, category and formatted message.</summary>
public sealed record LogEntry(LogLevel Level, string Category, string Message);
