namespace Secrets.Audit.Outbox;

/// <summary>
/// The one failure of the audit outbox. The message names the directory, segment file, offset or byte position,
/// never a payload; a fail-closed caller answers it with 503.
/// </summary>
internal sealed class AuditOutboxException(AuditOutboxFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public AuditOutboxFailure Failure { get; } = failure;
}
