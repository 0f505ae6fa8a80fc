namespace Secrets.Policy.Decisions;

internal sealed record PolicyContext(
    IReadOnlyList<string> Audiences, string? TokenJti, string? CorrelationId, string? WorkflowRunId, string? NodeId, string? SystemId)
{
    public static readonly PolicyContext Empty = new([], null, null, null, null, null);
}
