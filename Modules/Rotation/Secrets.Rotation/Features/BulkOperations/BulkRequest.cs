namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkRequest
{
    public IReadOnlyList<BulkOperation>? Operations { get; init; }
    public bool ContinueOnError { get; init; }
}
