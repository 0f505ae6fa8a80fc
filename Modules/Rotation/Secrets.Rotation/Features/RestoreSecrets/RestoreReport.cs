using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.RestoreSecrets;

/// <summary>
/// The answer of a restore (docs/BACKUP.md#restore): where the archive came from, whether it was a dry run, the
/// counts, and one result per archived path in the archive's order.
/// </summary>
internal sealed record RestoreReport(
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("source_provider")] string SourceProvider,
    [property: JsonPropertyName("source_mount")] string SourceMount,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("paths")] int Paths,
    [property: JsonPropertyName("created")] int Created,
    [property: JsonPropertyName("updated")] int Updated,
    [property: JsonPropertyName("unchanged")] int Unchanged,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("results")] IReadOnlyList<RestoredPath> Results);

/// <summary>
/// One path: its URI on this service, what the restore does (or, in a dry run, would do) — <c>create</c>,
/// <c>update</c> or <c>unchanged</c> — the status, the problem's code when it failed, and the versions written.
/// </summary>
internal sealed record RestoredPath(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("action")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Action,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("code")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonPropertyName("versions_written")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? VersionsWritten);
