using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.Embedded;

/// <summary>
/// The embedded PDP (docs/AUTHORIZATION.md#the-embedded-pdp): evaluates the rules of the policy file in force. A batch is answered
/// from one policy set, even when a reload swaps it meanwhile. It never throws for a policy reason:
/// a question no rule permits is a deny.
/// </summary>
internal sealed class EmbeddedPdp(PolicyFile policies) : IPolicyDecisionPoint
{
    public PolicyFile Policies => policies;

    public Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(Evaluate(requests, semantic));
    }

    /// <summary>
    /// One verdict per request in order. <see cref="EvaluationSemantic.DenyOnFirstDeny"/> stops after the
    /// first deny and <see cref="EvaluationSemantic.PermitOnFirstPermit"/> after the first permit: the
    /// verdicts up to and including that one.
    /// </summary>
    public IReadOnlyList<AccessVerdict> Evaluate(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var set = policies.Current;
        var verdicts = new AccessVerdict[requests.Count];
        for (var i = 0; i < verdicts.Length; i++)
        {
            var verdict = verdicts[i] = set.Evaluate(requests[i]);
            if ((semantic == EvaluationSemantic.DenyOnFirstDeny && !verdict.Decision)
                || (semantic == EvaluationSemantic.PermitOnFirstPermit && verdict.Decision))
                return verdicts[..(i + 1)];
        }
        return verdicts;
    }
}
