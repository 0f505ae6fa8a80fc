namespace Secrets.Audit.Outbox;

/// <summary>One record read back from the outbox: its offset (the record's sequence number) and its payload as appended.</summary>
internal readonly record struct OutboxRecord(long Offset, ReadOnlyMemory<byte> Payload);
