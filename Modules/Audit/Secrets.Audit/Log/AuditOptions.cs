namespace Secrets.Audit.Log;

/// <summary>
/// <c>ENABLE_DEV_ENDPOINTS</c> (SSE events and the audit buffer: on in dev, optional in test, never in prod),
/// <c>AUDIT_BUFFER_SIZE</c> (ring buffer capacity), whether raw URIs may appear (dev only), and
/// <c>AUDIT_LOG</c> (which records the application log carries).
/// </summary>
internal sealed record AuditOptions(bool DevEndpoints, int BufferSize, bool IncludeRawUri, AuditLogLines LogLines = AuditLogLines.All);
