using System.Globalization;
using System.Text;

namespace Secrets.Audit.Outbox;

/// <summary>
/// The relay's last acknowledged offset, in the file <c>ack</c> of the outbox directory as one decimal line. It is
/// replaced atomically (temp file, fsync, rename, directory fsync), so after a crash it holds the old or the new
/// offset, never a mix; -1 (no file) means nothing is acknowledged yet.
/// </summary>
internal static class OutboxAckFile
{
    public const string FileName = "ack";
    private const string TempPrefix = ".ack.";

    public static long Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return -1;
        var text = File.ReadAllText(path, Encoding.ASCII).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new AuditOutboxException(AuditOutboxFailure.Corrupt, $"the acknowledgement file {path} does not hold an offset");
    }

    public static void Write(string directory, long offset)
    {
        var temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path.Combine(directory, FileName), overwrite: true);
            OutboxDirectory.Flush(directory);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Deletes temp files a crash left between write and rename.</summary>
    public static void DeleteLeftovers(string directory)
    {
        foreach (var temp in Directory.EnumerateFiles(directory, TempPrefix + "*.tmp"))
            File.Delete(temp);
    }
}
