using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// POST /access/v1/evaluations: a batch (AuthZEN 1.0). Top-level subject, action, resource and
/// context are defaults each item may replace; <c>options.evaluations_semantic</c> is execute_all
/// (every verdict), deny_on_first_deny or permit_on_first_permit (the verdicts up to and including
/// the deciding one). Without items, the top level is one evaluation and the answer a single decision.
/// </summary>
internal sealed class AccessEvaluationsEndpoint : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/access/v1/evaluations");
        Summary(s => s.Summary = "AuthZEN Access Evaluations: the embedded PDP's decisions for a batch (dev and test; off in prod unless ENABLE_AUTHZEN_ENDPOINTS)");
        Description(b => b.Accepts<AuthZenEvaluationsRequest>("application/json").Produces<AuthZenDecisions>(200, "application/json"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        var batch = await AuthZenServing.ReadAsync(HttpContext, AuthZenJson.Default.AuthZenEvaluationsRequest, ct);
        var semantic = AuthZenMapping.SemanticFrom(batch.Options?.EvaluationsSemantic);
        var pdp = HttpContext.RequestServices.GetRequiredService<IPolicyDecisionPoint>();
        if (batch.Evaluations is not { Count: > 0 } items)
        {
            var single = new AuthZenEvaluationRequest(batch.Subject, batch.Action, batch.Resource, batch.Context);
            await Send.ResultAsync(TypedResults.Json(await AccessEvaluationEndpoint.EvaluateOneAsync(pdp, single, ct), AuthZenJson.Default.AuthZenDecision));
            return;
        }

        // every item is checked before anything is evaluated: one unreadable item is a 400 for the batch
        var questions = items
            .Select(item => item is null
                ? throw new SecretsProblem(ErrorCode.InvalidRequest)
                : AuthZenMapping.FromWire(AuthZenMapping.WithDefaults(item, batch)))
            .ToList();
        var verdicts = await AuthZenEvaluation.EvaluateAsync(pdp, questions, semantic, ct);
        var decisions = new AuthZenDecisions(verdicts.Select(AuthZenMapping.ToWire).ToList());
        await Send.ResultAsync(TypedResults.Json(decisions, AuthZenJson.Default.AuthZenDecisions));
    }
}
