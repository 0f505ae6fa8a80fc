namespace Secrets.Audit.Integrity;

/// <summary>
/// The outcome of verifying an export: the first problem of each node (empty when the stream is intact),
/// how many events, checkpoints and nodes were read, and notes on tails not yet covered by a checkpoint.
/// </summary>
internal sealed record AuditVerification(IReadOnlyList<AuditProblem> Problems, long Events, long Checkpoints, int Nodes, IReadOnlyList<string> Notes)
{
    public bool Intact => Problems.Count == 0;
}
