using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Testing.Policy;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>The Policy module's decision point played by a script of policy requests; while the script is unavailable it throws <see cref="PdpUnavailableException"/>.</summary>
internal sealed class ScriptedDecisionPoint(ScriptedPdp<PolicyRequest> script) : IPolicyDecisionPoint
{
    public Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct) =>
        script.Answer(requests, semantic) is { } verdicts ? Task.FromResult(verdicts) : throw new PdpUnavailableException("scripted outage");
}
