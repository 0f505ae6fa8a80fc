using Secrets.Shared.Kernel;

namespace Secrets.Policy.Decisions;

internal sealed record PolicyContext(
    IReadOnlyList<string> Audiences, string? TokenJti, string? CorrelationId, string? WorkflowRunId, string? NodeId, string? SystemId)
{
    public static readonly PolicyContext Empty = new([], null, null, null, null, null);

    /// <summary>What the caller's token and request say about the environment: audiences, token id, correlation id, workload claims.</summary>
    public static PolicyContext From(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(caller.Audiences, caller.TokenId, caller.CorrelationId, caller.WorkflowRunId, caller.NodeId, caller.SystemId);
    }
}
