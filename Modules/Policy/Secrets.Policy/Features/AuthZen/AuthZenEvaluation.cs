using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// Evaluates received AuthZEN questions with the configured (embedded) PDP, in order, into the decisions the
/// endpoints answer. A refused question (a type, resource or action this PDP has no policies for) is a deny
/// without asking; an unreadable batch item is a deny with its error in <c>context.error</c> (AuthZEN 1.0 §7.2.1).
/// Both count as denials for the semantic (§7.1.2.1): under a short-circuit semantic the answer ends with the
/// deciding decision; under execute_all there is one decision per question.
/// </summary>
internal static class AuthZenEvaluation
{
    public const string InvalidEvaluation = "invalid evaluation";

    public static async Task<IReadOnlyList<AuthZenDecision>> EvaluateAsync(
        IPolicyDecisionPoint pdp, IReadOnlyList<AuthZenQuestion> questions, EvaluationSemantic semantic, CancellationToken ct)
    {
        var decisions = new List<AuthZenDecision>(questions.Count);
        var next = 0;
        while (next < questions.Count)
        {
            var question = questions[next];
            if (question.Request is null)
            {
                var unasked = question.Error is { } error
                    ? new AuthZenDecision(false, new AuthZenDecisionContext(DecisionIds.New(), null, InvalidEvaluation, new AuthZenDecisionError(400, error)))
                    : AuthZenMapping.ToWire(AccessVerdict.Deny(question.Refusal!));
                decisions.Add(unasked);
                if (AuthZenMapping.Decides(semantic, unasked.Decision))
                    return decisions;
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
                decisions.Add(AuthZenMapping.ToWire(verdict));
                if (AuthZenMapping.Decides(semantic, verdict.Decision))
                    return decisions;
            }
            if (answered.Count < run.Count)
            {
                if (semantic != EvaluationSemantic.ExecuteAll)
                    return decisions;   // the PDP stopped at its deciding verdict
                for (var i = answered.Count; i < run.Count; i++)
                    decisions.Add(AuthZenMapping.ToWire(AccessVerdict.Deny("not evaluated")));
            }
            next = end;
        }
        return decisions;
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
