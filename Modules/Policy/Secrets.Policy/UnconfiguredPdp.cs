using Secrets.Policy.Decisions;

namespace Secrets.Policy;

/// <summary>Authorization is off and no PDP is configured: nothing asks, and if something did the answer is "unavailable".</summary>
internal sealed class UnconfiguredPdp : IPolicyDecisionPoint
{
    public Task<IReadOnlyList<Contracts.AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, Contracts.EvaluationSemantic semantic, CancellationToken ct) =>
        throw new PdpUnavailableException("no policy decision point is configured");
}
