namespace Secrets.Audit.Outbox;

/// <summary>Where the last read or acknowledgement stopped: the record <paramref name="Offset"/> starts at byte
/// <paramref name="Position"/> of the segment whose base offset is <paramref name="SegmentBase"/>. A relay reads on
/// from there without scanning its segment again.</summary>
internal readonly record struct OutboxCursor(long Offset, long SegmentBase, long Position);
