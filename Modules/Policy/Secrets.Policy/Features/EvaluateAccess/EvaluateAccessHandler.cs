using MassTransit.Mediator;
using Microsoft.Extensions.Logging;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.EvaluateAccess;

/// <summary>
/// The PDP's door for the PEP: one verdict per question, in order. Questions a short-circuited batch
/// did not evaluate are denies; a PDP that cannot answer makes every verdict a deny and the whole
/// answer <see cref="AccessVerdicts.Unavailable"/> (fail closed).
/// </summary>
internal sealed partial class EvaluateAccessHandler(IPolicyDecisionPoint pdp, TenantContext tenant, ILogger<EvaluateAccessHandler> log)
    : MediatorRequestHandler<Contracts.EvaluateAccess, AccessVerdicts>
{
    protected override async Task<AccessVerdicts> Handle(Contracts.EvaluateAccess request, CancellationToken ct)
    {
        using var activity = Telemetry.Source.StartActivity("pdp.evaluate");
        var requests = request.Questions.Select(q => PolicyRequest.From(request.Caller, tenant.TenantId, q)).ToList();
        try
        {
            var answered = await pdp.EvaluateAsync(requests, request.Semantic, ct);
            var verdicts = new AccessVerdict[requests.Count];
            for (var i = 0; i < verdicts.Length; i++)
                verdicts[i] = i < answered.Count ? answered[i] : AccessVerdict.NotEvaluated;
            return new AccessVerdicts(verdicts);
        }
        catch (PdpUnavailableException ex) when (!ct.IsCancellationRequested)
        {
            LogUnavailable(log, ex.Message);
            return new AccessVerdicts(requests.Select(_ => AccessVerdict.Deny("pdp unavailable")).ToArray(), Unavailable: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy decision point unavailable, denying: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
