using System.Diagnostics;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Contracts;

public enum AuditType
{
    SecretRead,
    SecretWritten,
    SecretDeleted,
    SecretDestroyed,
    SecretUndeleted,
    SecretRotated,
    SecretMetadataRead,
    SecretOwnerUpdated,
    SecretCopied,
    SecretMoved,
    AuthzDenied,
    ReplayDenied,
    BindingDenied,
}

public enum AuditEffect
{
    Permit,
    Deny,
    Success,
    Failure,
}

/// <summary>
/// The one audit contract every module publishes (SPEC §7). It has no field that could hold a
/// secret value; Audit turns <see cref="Uri"/> into resource_ref and shows the raw URI only in dev.
/// </summary>
public sealed record AuditRecord(
    AuditType Type,
    AuditEffect Effect,
    CanonicalSecretUri? Uri,
    Purpose? Purpose,
    Caller Caller,
    string? DecisionId,
    int? KvVersion,
    string? ErrorCode,
    DateTimeOffset Time,
    string? TraceId,
    string? SpanId)
{
    public static AuditRecord Success(AuditType type, CanonicalSecretUri uri, Purpose purpose, Caller caller, string? decisionId, int? kvVersion = null) =>
        Create(type, AuditEffect.Success, uri, purpose, caller, decisionId, kvVersion, null);

    public static AuditRecord Failed(AuditType type, CanonicalSecretUri? uri, Purpose? purpose, Caller caller, string? decisionId, ErrorCode code) =>
        Create(type, code.Status == 403 ? AuditEffect.Deny : AuditEffect.Failure, uri, purpose, caller, decisionId, null, code.Value);

    public static AuditRecord Create(AuditType type, AuditEffect effect, CanonicalSecretUri? uri, Purpose? purpose, Caller caller,
        string? decisionId, int? kvVersion, string? errorCode)
    {
        var activity = Activity.Current;
        return new AuditRecord(type, effect, uri, purpose, caller, decisionId, kvVersion, errorCode, DateTimeOffset.UtcNow,
            activity?.TraceId.ToHexString(), activity?.SpanId.ToHexString());
    }
}

/// <summary>
/// What the operation in flight would audit, set by a slice right after it parsed its URI, so
/// that a failure anywhere later is audited by the host with the same type, URI and purpose.
/// </summary>
public sealed class AuditIntent
{
    public AuditIntent(AuditType type, CanonicalSecretUri? uri, Purpose? purpose)
    {
        Type = type;
        Uri = uri;
        Purpose = purpose;
    }

    public AuditType Type { get; }
    public CanonicalSecretUri? Uri { get; }
    public Purpose? Purpose { get; }
    public string? DecisionId { get; set; }
    /// <summary>Set once the outcome has been audited, so a failure after it is not audited twice.</summary>
    public bool Audited { get; set; }
}
