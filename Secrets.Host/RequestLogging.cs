namespace Secrets.Host;

/// <summary><c>LOG_REQUESTS</c> (default false): one log line per request with its method, path, status and time.</summary>
internal sealed record RequestLogging(bool Enabled);
