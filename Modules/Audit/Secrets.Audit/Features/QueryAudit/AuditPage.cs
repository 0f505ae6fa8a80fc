using Secrets.Audit.Log;

namespace Secrets.Audit.Features.QueryAudit;

internal sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int Offset, int Limit, int Total, int? NextOffset);
