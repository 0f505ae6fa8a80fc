namespace Secrets.Policy.Embedded;

/// <summary>What the poll compares: last write time and length (default when the file is missing).</summary>
internal readonly record struct FileStamp(DateTime LastWriteUtc, long Length)
{
    public static FileStamp Of(FileInfo info) => info.Exists ? new(info.LastWriteTimeUtc, info.Length) : default;
}
