namespace Secrets.Audit.Log;

/// <summary>
/// <c>ENABLE_DEV_ENDPOINTS</c> (SSE events and the audit buffer: on in dev, optional in test, never in prod),
/// <c>AUDIT_BUFFER_SIZE</c> (ring buffer capacity), and whether raw URIs may appear (dev only).
/// </summary>
internal sealed record AuditOptions(bool DevEndpoints, int BufferSize, bool IncludeRawUri);
