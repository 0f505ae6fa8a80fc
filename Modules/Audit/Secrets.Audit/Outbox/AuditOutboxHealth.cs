namespace Secrets.Audit.Outbox;

/// <summary>How the audit outbox is doing (docs/AUDIT.md#outbox).</summary>
internal enum AuditOutboxHealth
{
    /// <summary>Writable and below 80 % of <c>AUDIT_OUTBOX_MAX_BYTES</c>.</summary>
    Healthy,

    /// <summary>At least 80 % of <c>AUDIT_OUTBOX_MAX_BYTES</c> is waiting for the relay's acknowledgement.</summary>
    Degraded,

    /// <summary>Full (an append was refused and nothing has been acknowledged since), or the last write or flush failed.</summary>
    Unhealthy,
}
