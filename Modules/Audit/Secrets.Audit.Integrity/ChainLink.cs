namespace Secrets.Audit.Integrity;

/// <summary>The chain fields of the event being written: its node, its <c>seq</c> and its <c>prev_hash</c>.</summary>
internal readonly record struct ChainLink(string NodeId, long Seq, string PrevHash);
