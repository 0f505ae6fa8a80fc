namespace Secrets.Client.Archives;

/// <summary>How far a backup has streamed: bytes and paths archived so far, of the paths the service listed (null when it did not say).</summary>
public sealed record BackupProgress(long Bytes, int Paths, int? PathsListed);

/// <summary>
/// A backup that streamed to its end: the paths the service listed, the paths archived and the bytes. <see cref="Complete"/>
/// is false when the stream ended before the archive's last frame (the service broke off): such an archive is refused
/// by a restore and should be discarded.
/// </summary>
public sealed record BackupResult(int? PathsListed, int Paths, long Bytes, bool Complete);

/// <summary>The answer of a restore (docs/BACKUP.md#restore): the archive's origin, the counts and one result per path.</summary>
public sealed record RestoreReport(
    bool DryRun, string SourceProvider, string SourceMount, string Prefix, DateTimeOffset CreatedAt,
    int Paths, int Created, int Updated, int Unchanged, int Failed, IReadOnlyList<RestoredPath> Results);

/// <summary>One path of a restore: what was (or, in a dry run, would be) done, or the problem's code.</summary>
public sealed record RestoredPath(string Uri, string? Action, int Status, string? Code, int? VersionsWritten);
