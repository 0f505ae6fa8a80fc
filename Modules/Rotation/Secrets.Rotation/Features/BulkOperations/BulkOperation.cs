using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkOperation
{
    public string Op { get; init; } = "";
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public IReadOnlyList<int>? Versions { get; init; }
}
