using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>POST /access/v1/evaluation: the embedded PDP's decision for one subject, action and resource (AuthZEN 1.0).</summary>
internal sealed class AccessEvaluationEndpoint : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/access/v1/evaluation");
        Summary(s => s.Summary = "AuthZEN Access Evaluation: the embedded PDP's decision (dev and test; off in prod unless ENABLE_AUTHZEN_ENDPOINTS)");
        Description(b => b.Accepts<AuthZenEvaluationRequest>("application/json").Produces<AuthZenDecision>(200, "application/json"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        var request = await AuthZenServing.ReadAsync(HttpContext, AuthZenJson.Default.AuthZenEvaluationRequest, ct);
        var decision = await EvaluateOneAsync(HttpContext.RequestServices.GetRequiredService<IPolicyDecisionPoint>(), request, ct);
        await Send.ResultAsync(TypedResults.Json(decision, AuthZenJson.Default.AuthZenDecision));
    }

    public static async Task<AuthZenDecision> EvaluateOneAsync(IPolicyDecisionPoint pdp, AuthZenEvaluationRequest request, CancellationToken ct)
    {
        var question = AuthZenMapping.FromWire(request);
        var verdicts = await AuthZenEvaluation.EvaluateAsync(pdp, [question], EvaluationSemantic.ExecuteAll, ct);
        return AuthZenMapping.ToWire(verdicts[0]);
    }
}
