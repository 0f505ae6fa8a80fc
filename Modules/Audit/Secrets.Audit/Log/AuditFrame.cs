namespace Secrets.Audit.Log;

/// <summary>One audit event as the SSE stream sends it: its <c>seq</c>, its type and its line, the CloudEvent (UTF-8 JSON).</summary>
internal sealed record AuditFrame(long Id, string EventType, byte[] Json);
