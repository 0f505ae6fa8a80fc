using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.BulkOperations;

/// <summary>
/// One operation's result; <see cref="RetryAfter"/> (seconds) is the Retry-After its problem came with. A destroy that
/// waits for its approval (status 202) names it: <c>approval_id</c>, <c>expires_at</c>.
/// </summary>
internal sealed record BulkResult(
    int Index, string Op, string? Uri, int Status, string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null)
{
    [JsonPropertyName("approval_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApprovalId { get; init; }

    [JsonPropertyName("expires_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ExpiresAt { get; init; }
}
