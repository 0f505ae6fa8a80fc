using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.BulkOperations;

/// <summary>One operation's result; <see cref="RetryAfter"/> (seconds) is the Retry-After its problem came with.</summary>
internal sealed record BulkResult(
    int Index, string Op, string? Uri, int Status, string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null);
