namespace Secrets.Audit.Contracts;

/// <summary>The audit event types (docs/AUDIT.md); <c>SecretRead</c> is written as <c>SECRET_READ</c>.</summary>
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
    /// <summary>A bulk request refused as a whole, before any of its operations ran (its operations are audited one by one).</summary>
    SecretBulk,
    /// <summary>A gated destroy asked for (docs/API.md#gated-destroy): the approval is pending, nothing was destroyed.</summary>
    SecretDestroyRequested,
    /// <summary>A second subject's approval of a gated destroy, or its refusal; a successful one is followed by <c>SECRET_DESTROYED</c>.</summary>
    SecretDestroyApproved,
    /// <summary>A gated destroy's approval expired while pending: written once, by the first node that noticed.</summary>
    SecretDestroyApprovalExpired,
    /// <summary>A backup: one record for the request, about its prefix, with the count of paths archived.</summary>
    SecretBackedUp,
    /// <summary>A restore: one record per archived path; one without a URI when the archive is refused before any path ran.</summary>
    SecretRestored,
    AuthzDenied,
    ReplayDenied,
    BindingDenied,
}
