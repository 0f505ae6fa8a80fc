namespace Secrets.Audit.Integrity;

/// <summary>What <c>verify-audit</c> found wrong in a node's stream (docs/AUDIT.md#verify-audit).</summary>
internal enum AuditProblemKind
{
    /// <summary>A line that is not a chained event: not JSON, or without <c>node_id</c>, <c>seq</c> or <c>prev_hash</c>.</summary>
    Malformed,
    /// <summary>A <c>seq</c> that never appears: the event was deleted.</summary>
    Gap,
    /// <summary>An event before one with a lower <c>seq</c>, or a <c>seq</c> seen again.</summary>
    Reorder,
    /// <summary>An event whose hash is not the next event's <c>prev_hash</c>, or a chain that no longer hashes to a checkpoint's signed head.</summary>
    Edited,
    /// <summary>A checkpoint with an unknown key, a bad signature, or a range that is not where it sits in the chain.</summary>
    ForgedCheckpoint,
    /// <summary>A stream that ends where a checkpoint was due but none follows: its tail was cut.</summary>
    TruncatedTail,
}
