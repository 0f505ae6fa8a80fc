using System.Text;
using Secrets.Audit.Outbox;
using Secrets.Testing.Logging;

namespace Secrets.Audit.Tests.Outbox;

/// <summary>A fresh outbox directory under the temp folder, deleted afterwards; opens outboxes on it with a capturing logger.</summary>
internal sealed class TempOutbox : IDisposable
{
    public TempOutbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "outbox-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        OutboxPath = Path.Combine(Root, "outbox");
    }

    /// <summary>The temp folder that holds the outbox directory (and whatever a test puts beside it).</summary>
    public string Root { get; }

    /// <summary>The outbox directory itself.</summary>
    public string OutboxPath { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public AuditOutbox Open(long segmentBytes = AuditOutboxOptions.DefaultSegmentBytes, long maxBytes = AuditOutboxOptions.DefaultMaxBytes) =>
        AuditOutbox.Open(new AuditOutboxOptions(OutboxPath, segmentBytes, maxBytes), Logs.Logger<AuditOutbox>());

    /// <summary>The segment files, oldest first.</summary>
    public string[] Segments() => [.. Directory.GetFiles(OutboxPath, "*.seg").Order(StringComparer.Ordinal)];

    /// <summary>A recognisable payload of <paramref name="length"/> bytes for record <paramref name="i"/>.</summary>
    public static byte[] Payload(int i, int length = 100)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill((byte)('a' + (i % 26)));
        Encoding.ASCII.GetBytes($"event-{i:D6}").CopyTo(bytes, 0);
        return bytes;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}
