using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.ScheduledRotation;

/// <summary>
/// What a schedule's last run came to, as every node shows it: when it ran (<see cref="At"/>) for which due time
/// (<see cref="Occurrence"/>), its outcome (<c>success</c>, <c>deny</c> or <c>failure</c>) with the error code, the
/// version it wrote and the node that ran it. Never a value.
/// </summary>
internal sealed record ScheduleRun(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("occurrence")] DateTimeOffset Occurrence,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("node")] string Node)
{
    public const string Success = "success";
    public const string Deny = "deny";
    public const string Failure = "failure";
}
