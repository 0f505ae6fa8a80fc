namespace Secrets.Audit.Contracts;

public enum AuditEffect
{
    Permit,
    Deny,
    Success,
    Failure,
}
