namespace Secrets.Audit.Log;

/// <summary>One audit event as the SSE stream sends it: its id, its type and its JSON (UTF-8).</summary>
internal sealed record AuditFrame(long Id, string EventType, byte[] Json);
