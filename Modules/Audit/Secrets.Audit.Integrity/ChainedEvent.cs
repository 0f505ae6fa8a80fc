namespace Secrets.Audit.Integrity;

/// <summary>
/// One event as the chain wrote it: its <c>seq</c>, its <c>prev_hash</c>, its own hash (the next event's
/// <c>prev_hash</c>) and its line, the UTF-8 JSON object without a newline.
/// </summary>
internal sealed record ChainedEvent(long Seq, string PrevHash, string Hash, byte[] Line);
