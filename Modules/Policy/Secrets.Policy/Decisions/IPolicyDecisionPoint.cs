using Secrets.Policy.Contracts;

namespace Secrets.Policy.Decisions;

/// <summary>A policy decision point: the embedded one (<c>POLICY_PATH</c>) or an AuthZEN server (<c>PDP_URL</c>).</summary>
internal interface IPolicyDecisionPoint
{
    /// <summary>
    /// Evaluates <paramref name="requests"/> in order. Under a short-circuiting semantic it may
    /// return fewer verdicts than requests (AuthZEN: the ones not evaluated), never more. Throws
    /// <see cref="PdpUnavailableException"/> when it cannot answer: unreachable, timed out, or malformed.
    /// </summary>
    Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct);
}
