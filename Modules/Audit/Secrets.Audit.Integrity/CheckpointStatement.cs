using System.Globalization;
using System.Text;

namespace Secrets.Audit.Integrity;

/// <summary>
/// What a checkpoint signs (docs/AUDIT.md#checkpoints): the node, the tenant, the range of <c>seq</c> it
/// covers, the hash of the last covered event (the chain head, which is also the checkpoint's own
/// <c>prev_hash</c>), its time, the node's checkpoint rule and the key id. The signed bytes are these
/// values as they appear in the checkpoint event, one per line, after a fixed first line, in UTF-8 with
/// no final newline:
/// <c>secrets-platform/audit-checkpoint/v1 \n node_id \n tenant \n first_seq \n last_seq \n head_hash \n time \n every \n seconds \n kid</c>.
/// </summary>
internal sealed record CheckpointStatement(
    string NodeId, string Tenant, long FirstSeq, long LastSeq, string HeadHash, string Time, int Every, int Seconds, string Kid)
{
    public const string Header = "secrets-platform/audit-checkpoint/v1";

    /// <summary>The <c>event_type</c> of a checkpoint event.</summary>
    public const string EventType = "AUDIT_CHECKPOINT";

    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(string.Join('\n',
        Header, NodeId, Tenant, Num(FirstSeq), Num(LastSeq), HeadHash, Time, Num(Every), Num(Seconds), Kid));

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
