namespace Secrets.Audit.Outbox;

/// <summary>Why the audit outbox refused an append or could not be opened (docs/AUDIT.md#outbox).</summary>
internal enum AuditOutboxFailure
{
    /// <summary>The un-acknowledged bytes would pass <c>AUDIT_OUTBOX_MAX_BYTES</c>; acknowledging frees space.</summary>
    Full,

    /// <summary>The directory or a segment could not be created, written or flushed to disk.</summary>
    Unwritable,

    /// <summary>A record that was once durable fails its length or CRC check; nothing after it is read or skipped to.</summary>
    Corrupt,

    /// <summary>Another outbox holds the directory's lock: one directory belongs to one process (one node) at a time.</summary>
    InUse,
}
