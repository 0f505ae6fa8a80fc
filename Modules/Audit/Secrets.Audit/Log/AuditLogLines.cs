namespace Secrets.Audit.Log;

/// <summary><c>AUDIT_LOG</c>: which audit records the application log also carries.</summary>
internal enum AuditLogLines
{
    /// <summary>Every record (the default in test and prod, where the log is a durable sink).</summary>
    All,
    /// <summary>Denies and failures only (the default in dev: the ring buffer and the SSE stream hold the rest).</summary>
    Failures,
    None,
}
