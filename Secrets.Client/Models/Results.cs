using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Secrets.Client.Models;

/// <summary>
/// A value read: the canonical URI, the KVv2 version (null on YAML) and the value (the map, or the key's value);
/// <see cref="GrantExpiresIn"/> is how long the grant that permitted the read still runs (null without one).
/// </summary>
public sealed record SecretValueResult(string Uri, int? Version, JsonNode? Value)
{
    [JsonIgnore]
    public TimeSpan? GrantExpiresIn { get; init; }
}

/// <summary>A write: the canonical URI and the new version (null on YAML).</summary>
public sealed record WriteResult(string Uri, int? Version);

/// <summary>A rotation or rollback: the canonical URI and the new version; a generated value only when it was asked for.</summary>
public sealed record RotateResult(string Uri, int? Version, JsonNode? Value = null);

/// <summary>How to generate a value: 1–4096 characters of <c>alnum</c>, <c>hex</c>, <c>base64url</c> or <c>symbols</c>.</summary>
public sealed record GenerateOptions(int Length = 32, string Alphabet = "alnum");

public sealed record KeysResult(string Uri, IReadOnlyList<string> Keys, bool Filtered);

public sealed record VersionInfo(int Version, DateTimeOffset? CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed);

public sealed record VersionsResult(string Uri, int? CurrentVersion, IReadOnlyList<VersionInfo> Versions);

public sealed record MetadataDetail(
    string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime,
    IReadOnlyDictionary<string, string> CustomMetadata, IReadOnlyList<VersionInfo> Versions);

public sealed record MetadataItem(string Uri, int? CurrentVersion, DateTimeOffset? CreatedTime, DateTimeOffset? UpdatedTime, IReadOnlyList<string>? Keys);

public sealed record SearchHit(string Uri, string Match);

/// <summary>One page of a listing; <see cref="NextOffset"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total, int? NextOffset, bool Filtered);

public sealed record OwnerResult(string Uri, string Owner);

public sealed record CopyResult(string FromUri, string ToUri, int? Version);

/// <summary>One operation of a bulk request (docs/API.md#bulk).</summary>
public sealed record BulkOperation(string Op, string Uri)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Value { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? Versions { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GenerateOptions? Generate { get; init; }

    [JsonPropertyName("to_version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ToVersion { get; init; }
}

/// <summary>One bulk operation's result; a destroy that waits for its approval (202) names it.</summary>
public sealed record BulkResult(int Index, string Op, string? Uri, int Status, string? Code, int? Version, int? RetryAfter)
{
    [JsonPropertyName("approval_id")]
    public string? ApprovalId { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>One event of the service's event stream: its sequence number, its type (e.g. <c>SECRET_ROTATED</c>) and its CloudEvent.</summary>
public sealed record SecretEvent(string? Id, string Type, JsonNode? CloudEvent);

public sealed record BulkResponse(IReadOnlyList<BulkResult> Results, int Succeeded, int Failed, int? StoppedAt);

/// <summary>A destroy that waits for a second person's approval (202): the approval to name, and until when it can be approved.</summary>
public sealed record PendingApproval(
    [property: JsonPropertyName("approval_id")] string ApprovalId,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

/// <summary>The rotation schedules the caller may see (docs/API.md#scheduled-rotation).</summary>
public sealed record SchedulesResult([property: JsonPropertyName("schedules")] IReadOnlyList<ScheduleInfo> Schedules);

public sealed record ScheduleInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("cron")] string Cron,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("jitter_s")] int JitterSeconds,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("next_run")] DateTimeOffset? NextRun,
    [property: JsonPropertyName("last_run")] ScheduleRunInfo? LastRun);

/// <summary>A schedule's last run on any node: when, for which due time, its outcome and code, the version written, the node.</summary>
public sealed record ScheduleRunInfo(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("occurrence")] DateTimeOffset Occurrence,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("node")] string Node);
