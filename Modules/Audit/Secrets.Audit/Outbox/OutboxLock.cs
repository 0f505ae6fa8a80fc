using System.Collections.Concurrent;

namespace Secrets.Audit.Outbox;

/// <summary>
/// One outbox directory belongs to one open outbox: opening takes an exclusive lock on <see cref="FileName"/> in the
/// directory (an advisory <c>flock</c>, released by the kernel when the process ends, however it ends) and holds it until
/// the writer has closed its last segment. Two processes on one <c>AUDIT_OUTBOX_PATH</c> would cut each other's records
/// at open and acknowledge each other's offsets; the second is refused with <see cref="AuditOutboxFailure.InUse"/>.
/// A node restarted while its predecessor is still closing waits up to <see cref="DefaultWait"/> for the lock; once
/// refused, later attempts in this process (each use of the outbox asks again) fail at once until one succeeds.
/// </summary>
internal static class OutboxLock
{
    private static readonly ConcurrentDictionary<string, bool> Refused = new(StringComparer.Ordinal);

    public const string FileName = "outbox.lock";

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    public static FileStream Acquire(string directory, TimeSpan wait)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        var until = DateTime.UtcNow + (Refused.ContainsKey(path) ? TimeSpan.Zero : wait);
        while (true)
        {
            try
            {
                Directory.CreateDirectory(directory);
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Refused.TryRemove(path, out _);
                return held;
            }
            catch (IOException e) when (e is not DirectoryNotFoundException && File.Exists(path))
            {
                if (DateTime.UtcNow >= until)
                {
                    Refused[path] = true;
                    throw new AuditOutboxException(AuditOutboxFailure.InUse,
                        $"the outbox directory {directory} is in use by another process (it holds {FileName}): every node needs its own AUDIT_OUTBOX_PATH", e);
                }
                Thread.Sleep(50);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AuditOutboxException(AuditOutboxFailure.Unwritable, $"the outbox directory {directory} cannot be opened for writing", e);
            }
        }
    }
}
