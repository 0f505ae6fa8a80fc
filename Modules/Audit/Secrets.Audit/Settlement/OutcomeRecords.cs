using Secrets.Audit.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Settlement;

/// <summary>
/// What an operation's outcome is audited as (docs/AUDIT.md): a refusal by the token or the PEP is a
/// deny of its own type (<c>AUTHZ_DENIED</c>, <c>BINDING_DENIED</c>, <c>REPLAY_DENIED</c>); anything else
/// is the operation's type — a gated destroy's step, its purpose's, or the endpoint's fixed one (copy, move) — with effect
/// success, deny (a 403) or failure.
/// </summary>
internal static class OutcomeRecords
{
    public static AuditRecord For(AuditedAs audited, Caller caller, OperationOutcome outcome)
    {
        var code = outcome.Problem?.Code;
        var type = code is null ? null : DenyType(code);
        var record = AuditRecord.Create(
            type ?? StepType(outcome.ApprovalStep) ?? (audited.Fixed ? audited.Type : TypeOf(outcome.Purpose) ?? audited.Type),
            EffectOf(code, type is not null),
            outcome.Uri, outcome.Purpose, caller, outcome.DecisionId, outcome.KvVersion, code?.Value);
        return record with
        {
            Source = outcome.Source, SourceKvVersion = outcome.SourceKvVersion, RelatedDecisionIds = outcome.RelatedDecisionIds, CacheHit = outcome.CacheHit,
            ApprovalId = outcome.ApprovalId, Schedule = outcome.Schedule, ItemCount = outcome.ItemCount,
            // a rotation writes with check-and-set on the version it read, so the version it replaced is the one before its own
            PreviousKvVersion = record.Type == AuditType.SecretRotated && code is null && outcome.KvVersion is > 1 and var written ? written - 1 : null,
        };
    }

    /// <summary>A request refused before any operation ran: the endpoint's type, no URI, the answer's code.</summary>
    public static AuditRecord ForRequest(AuditedAs audited, Caller caller, ErrorCode code) =>
        AuditRecord.Create(audited.Type, EffectOf(code, false), null, null, caller, null, null, code.Value);

    private static AuditEffect EffectOf(ErrorCode? code, bool denied) =>
        code is null ? AuditEffect.Success : denied || code.Status == 403 ? AuditEffect.Deny : AuditEffect.Failure;

    private static AuditType? DenyType(ErrorCode code) => code.Value switch
    {
        "SECRET_AUTHZ_FAILED" or "INSUFFICIENT_SCOPE" or "PDP_UNAVAILABLE" or "GRANT_STATE_UNAVAILABLE" => AuditType.AuthzDenied,
        "BINDING_DENIED" or "SENDER_BINDING_REQUIRED" => AuditType.BindingDenied,
        "REPLAY_DENIED" => AuditType.ReplayDenied,
        _ => null,
    };

    /// <summary>A step of a gated destroy has a type of its own; the destroy it allowed is the operation's (<c>SECRET_DESTROYED</c>).</summary>
    private static AuditType? StepType(ApprovalStep step) => step switch
    {
        ApprovalStep.Requested => AuditType.SecretDestroyRequested,
        ApprovalStep.Approved => AuditType.SecretDestroyApproved,
        ApprovalStep.Expired => AuditType.SecretDestroyApprovalExpired,
        _ => null,
    };

    private static AuditType? TypeOf(Purpose purpose) => purpose switch
    {
        Purpose.Read or Purpose.Execute => AuditType.SecretRead,
        Purpose.Write => AuditType.SecretWritten,
        Purpose.Delete => AuditType.SecretDeleted,
        Purpose.DestroyVersions => AuditType.SecretDestroyed,
        Purpose.Undelete => AuditType.SecretUndeleted,
        Purpose.Rotate => AuditType.SecretRotated,
        Purpose.ReadMetadata => AuditType.SecretMetadataRead,
        Purpose.OwnerUpdate => AuditType.SecretOwnerUpdated,
        Purpose.Backup => AuditType.SecretBackedUp,
        Purpose.Restore => AuditType.SecretRestored,
        _ => null,
    };
}
