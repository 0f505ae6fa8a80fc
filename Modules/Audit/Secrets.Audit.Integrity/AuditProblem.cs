using System.Globalization;
using System.Text;

namespace Secrets.Audit.Integrity;

/// <summary>
/// The first problem in one node's stream: its kind, the node, the line of the export (1-based) and the
/// <c>seq</c> it concerns, and what was found. <see cref="ToString"/> is the one line <c>verify-audit</c> prints.
/// </summary>
internal sealed record AuditProblem(AuditProblemKind Kind, string NodeId, long Line, long? Seq, string Detail)
{
    /// <summary>ForgedCheckpoint → forged-checkpoint.</summary>
    public string KindName { get; } = string.Concat(Kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public override string ToString()
    {
        var text = new StringBuilder().Append(KindName).Append(" node=").Append(NodeId)
            .Append(" line=").Append(Line.ToString(CultureInfo.InvariantCulture));
        if (Seq is { } seq)
            text.Append(" seq=").Append(seq.ToString(CultureInfo.InvariantCulture));
        return text.Append(": ").Append(Detail).ToString();
    }
}
