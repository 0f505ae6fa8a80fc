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
    AuthzDenied,
    ReplayDenied,
    BindingDenied,
}
