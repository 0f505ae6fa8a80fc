namespace Secrets.Rotation.Features.BulkOperations;

internal sealed record BulkResponse(IReadOnlyList<BulkResult> Results, int Succeeded, int Failed, int? StoppedAt);
