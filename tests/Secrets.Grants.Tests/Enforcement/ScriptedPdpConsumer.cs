using MassTransit.Mediator;
using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;
using Secrets.Testing.Policy;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>
/// The scripted PDP behind the mediator, answering as the Policy module does: one verdict per question, those a
/// short-circuited batch left out as <see cref="AccessVerdict.NotEvaluated"/>, and while the script is unavailable
/// a deny for each and the answer <see cref="AccessVerdicts.Unavailable"/>; each answer comes after the script's latency.
/// </summary>
internal sealed class ScriptedPdpConsumer(ScriptedPdp<(AccessQuestion Question, Caller Caller)> pdp) : MediatorRequestHandler<EvaluateAccess, AccessVerdicts>
{
    protected override async Task<AccessVerdicts> Handle(EvaluateAccess request, CancellationToken ct)
    {
        if (pdp.Latency > TimeSpan.Zero)
            await Task.Delay(pdp.Latency, ct);
        var answered = pdp.Answer([.. request.Questions.Select(q => (q, request.Caller))], request.Semantic);
        if (answered is null)
            return new AccessVerdicts(request.Questions.Select(_ => AccessVerdict.Deny("down")).ToArray(), Unavailable: true);
        var verdicts = request.Questions.Select((_, i) => i < answered.Count ? answered[i] : AccessVerdict.NotEvaluated).ToArray();
        return new AccessVerdicts(verdicts);
    }
}
