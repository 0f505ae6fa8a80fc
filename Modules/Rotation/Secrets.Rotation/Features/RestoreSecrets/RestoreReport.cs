using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.RestoreSecrets;

/// <summary>
/// The answer of a restore (docs/BACKUP.md#restore): where the archive came from, whether it was a dry run, the
/// counts, and one result per archived path in the archive's order.
/// </summary>
internal sealed record RestoreReport(
    bool DryRun,
    string SourceProvider,
    string SourceMount,
    string Prefix,
    DateTimeOffset CreatedAt,
    int Paths,
    int Created,
    int Updated,
    int Unchanged,
    int Failed,
    IReadOnlyList<RestoredPath> Results);

/// <summary>
/// One path: its URI on this service, what the restore does (or, in a dry run, would do) — <c>create</c>,
/// <c>update</c> or <c>unchanged</c> — the status, the problem's code when it failed, and the versions written.
/// </summary>
internal sealed record RestoredPath(
    string Uri,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Action,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? VersionsWritten);
