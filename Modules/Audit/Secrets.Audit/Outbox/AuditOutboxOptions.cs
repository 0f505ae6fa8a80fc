using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Outbox;

/// <summary>
/// <c>AUDIT_OUTBOX_PATH</c> (the outbox directory), <c>AUDIT_OUTBOX_SEGMENT_BYTES</c> (a segment file rolls over
/// at this size, default 64 MiB) and <c>AUDIT_OUTBOX_MAX_BYTES</c> (un-acknowledged bytes allowed before appends are
/// refused, default 1 GiB).
/// </summary>
internal sealed record AuditOutboxOptions(string Path, long SegmentBytes = AuditOutboxOptions.DefaultSegmentBytes, long MaxBytes = AuditOutboxOptions.DefaultMaxBytes)
{
    public const long DefaultSegmentBytes = 64L << 20;
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The options from the environment, or null when <c>AUDIT_OUTBOX_PATH</c> is not set (no outbox).</summary>
    public static AuditOutboxOptions? From(IConfiguration config)
    {
        var path = config["AUDIT_OUTBOX_PATH"];
        if (string.IsNullOrWhiteSpace(path))
            return null;
        var segment = Settings.Long(config["AUDIT_OUTBOX_SEGMENT_BYTES"], "AUDIT_OUTBOX_SEGMENT_BYTES", DefaultSegmentBytes, 64L << 10, 1L << 30);
        var max = Settings.Long(config["AUDIT_OUTBOX_MAX_BYTES"], "AUDIT_OUTBOX_MAX_BYTES", DefaultMaxBytes, 1L << 20, 1L << 40);
        if (max < segment)
            throw new InvalidOperationException("AUDIT_OUTBOX_MAX_BYTES must be at least AUDIT_OUTBOX_SEGMENT_BYTES");
        return new AuditOutboxOptions(System.IO.Path.GetFullPath(path.Trim()), segment, max);
    }
}
