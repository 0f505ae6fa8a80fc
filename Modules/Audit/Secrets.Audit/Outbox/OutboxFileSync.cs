using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Secrets.Audit.Outbox;

/// <summary>
/// Flushes a segment's written bytes to disk with <c>fdatasync</c> on Linux: the data, and the file's size when it grew,
/// but not its modification time, so a write into space the outbox filled with zeros beforehand (and flushed) needs no
/// journal commit (docs/AUDIT.md#group-commit). .NET has no call for it; elsewhere this is a full flush.
/// </summary>
internal static partial class OutboxFileSync
{
    public static void FlushData(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }
        if (Fdatasync(file) != 0)
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle fd);
}
