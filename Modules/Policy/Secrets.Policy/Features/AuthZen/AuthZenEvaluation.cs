using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// Evaluates received AuthZEN questions with the configured (embedded) PDP, in order. A refused
/// question (a resource or action this PDP has no policies for) is a deny without asking. Under a
/// short-circuit semantic the answer ends with the deciding verdict; under execute_all there is one
/// verdict per question.
/// </summary>
internal static class AuthZenEvaluation
{
    public static async Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(
        IPolicyDecisionPoint pdp, IReadOnlyList<AuthZenQuestion> questions, EvaluationSemantic semantic, CancellationToken ct)
    {
        var verdicts = new List<AccessVerdict>(questions.Count);
        var next = 0;
        while (next < questions.Count)
        {
            if (questions[next].Refusal is { } reason)
            {
                var refused = AccessVerdict.Deny(reason);
                verdicts.Add(refused);
                if (AuthZenMapping.Decides(semantic, refused))
                    return verdicts;
                next++;
                continue;
            }

            // the PDP answers each run of askable questions in one call, with the batch's semantic
            var end = next;
            while (end < questions.Count && questions[end].Request is not null)
                end++;
            var run = questions.Skip(next).Take(end - next).Select(q => q.Request!).ToList();
            var answered = await AskAsync(pdp, run, semantic, ct);
            foreach (var verdict in answered.Take(run.Count))
            {
                verdicts.Add(verdict);
                if (AuthZenMapping.Decides(semantic, verdict))
                    return verdicts;
            }
            if (answered.Count < run.Count)
            {
                if (semantic != EvaluationSemantic.ExecuteAll)
                    return verdicts;   // the PDP stopped at its deciding verdict
                for (var i = answered.Count; i < run.Count; i++)
                    verdicts.Add(AccessVerdict.Deny("not evaluated"));
            }
            next = end;
        }
        return verdicts;
    }

    private static async Task<IReadOnlyList<AccessVerdict>> AskAsync(
        IPolicyDecisionPoint pdp, IReadOnlyList<PolicyRequest> run, EvaluationSemantic semantic, CancellationToken ct)
    {
        try
        {
            return await pdp.EvaluateAsync(run, semantic, ct);
        }
        catch (PdpUnavailableException)
        {
            throw new SecretsProblem(ErrorCode.PdpUnavailable);
        }
    }
}
