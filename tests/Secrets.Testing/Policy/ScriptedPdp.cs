using System.Collections.Concurrent;
using Secrets.Policy.Contracts;

namespace Secrets.Testing.Policy;

/// <summary>
/// A policy decision point as a script, for a test that puts it where a PDP is asked (the Grants module's
/// <c>EvaluateAccess</c> request, the Policy module's decision point behind the AuthZEN endpoints), with
/// <typeparamref name="TQuestion"/> what that seam asks. <see cref="Decide"/> answers each question in order; like a
/// real PDP it stops at the first deny under <see cref="EvaluationSemantic.DenyOnFirstDeny"/> and at the first permit
/// under <see cref="EvaluationSemantic.PermitOnFirstPermit"/>. Every call is recorded, and while
/// <see cref="Unavailable"/> it answers nothing.
/// </summary>
public sealed class ScriptedPdp<TQuestion>(Func<TQuestion, AccessVerdict> decide)
{
    private int questions;

    /// <summary>The answer to one question; replace it to change the script.</summary>
    public Func<TQuestion, AccessVerdict> Decide { get; set; } = decide;

    /// <summary>While true every call is recorded and answered with nothing (the seam's outage).</summary>
    public bool Unavailable { get; set; }

    /// <summary>How long a call takes before its answer, for the seams that can wait (an unavailable PDP that times out).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Every call, oldest first: the questions asked and the semantic.</summary>
    public ConcurrentQueue<(IReadOnlyList<TQuestion> Questions, EvaluationSemantic Semantic)> Calls { get; } = new();

    /// <summary>Every question of every call, in order.</summary>
    public IReadOnlyList<TQuestion> AllAsked => [.. Calls.SelectMany(c => c.Questions)];

    /// <summary>How many questions were asked in all.</summary>
    public int Questions => Volatile.Read(ref questions);

    /// <summary>Records the call; the verdicts in question order (fewer when the semantic stopped early), or null while <see cref="Unavailable"/>.</summary>
    public IReadOnlyList<AccessVerdict>? Answer(IReadOnlyList<TQuestion> asked, EvaluationSemantic semantic)
    {
        ArgumentNullException.ThrowIfNull(asked);
        Interlocked.Add(ref questions, asked.Count);
        Calls.Enqueue(([.. asked], semantic));
        if (Unavailable)
            return null;
        var verdicts = new List<AccessVerdict>();
        foreach (var question in asked)
        {
            var verdict = Decide(question);
            verdicts.Add(verdict);
            if ((semantic == EvaluationSemantic.DenyOnFirstDeny && !verdict.Decision) || (semantic == EvaluationSemantic.PermitOnFirstPermit && verdict.Decision))
                break;
        }
        return verdicts;
    }

    /// <summary>Permits the first question with these obligations, denies every later one.</summary>
    public void PermitOnceThenDeny(int maxUses)
    {
        var permitted = 0;
        Decide = _ => Interlocked.Exchange(ref permitted, 1) == 0
            ? new AccessVerdict(true, "dec_first", null, maxUses, null, "first")
            : AccessVerdict.Deny("later");
    }
}
