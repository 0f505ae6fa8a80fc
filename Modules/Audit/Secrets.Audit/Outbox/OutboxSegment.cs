using System.Globalization;

namespace Secrets.Audit.Outbox;

/// <summary>
/// One segment file: named by the offset of its first record (20 digits, <c>00000000000000000042.seg</c>), starting at
/// <paramref name="StartByte"/> in the outbox's running byte count (the sum of the segments before it, for the depth).
/// </summary>
internal sealed record OutboxSegment(long BaseOffset, string Path, long StartByte)
{
    public const string Extension = ".seg";

    public static string FileName(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The base offset a segment file's name stands for, or null for any other file.</summary>
    public static long? ParseBaseOffset(string fileName) =>
        fileName.Length == 20 + Extension.Length && fileName.EndsWith(Extension, StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : null;
}
