namespace Secrets.Audit.Integrity;

/// <summary>What one append wrote: the event, and the checkpoint that followed it when it was the N-th since the last.</summary>
internal readonly record struct CheckpointAppend(ChainedEvent Event, ChainedEvent? Checkpoint);
