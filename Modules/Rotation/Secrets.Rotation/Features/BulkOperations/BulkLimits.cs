namespace Secrets.Rotation.Features.BulkOperations;

/// <summary><c>BULK_MAX_OPERATIONS</c>: how many operations one bulk request may hold (default 100); more is 400 and none runs.</summary>
internal sealed record BulkLimits(int MaxOperations)
{
    public const int DefaultMaxOperations = 100;

    /// <summary>The upper end of the setting: a bulk request is one request, answered with one result per operation.</summary>
    public const int MostOperations = 10_000;
}
