using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>POST /access/v1/evaluation: the embedded PDP's decision for one subject, action and resource (AuthZEN 1.0 §6).</summary>
internal sealed class AccessEvaluationEndpoint : EndpointWithoutRequest
{
    public const string Route = "/access/v1/evaluation";

    public override void Configure()
    {
        Post(Route);
        Summary(s => s.Summary = "AuthZEN Access Evaluation: the embedded PDP's decision (dev and test; off in prod unless ENABLE_AUTHZEN_ENDPOINTS)");
        Description(AuthZenServing.Describe<AuthZenEvaluationRequest, AuthZenDecision>);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        using var body = await AuthZenServing.ReadAsync(HttpContext, ct);
        var decision = await EvaluateOneAsync(HttpContext.RequestServices.GetRequiredService<IPolicyDecisionPoint>(), ReceivedEvaluation.Of(body.RootElement), ct);
        await Send.ResultAsync(TypedResults.Json(decision, AuthZenJson.Default.AuthZenDecision));
    }

    /// <summary>One evaluation: unreadable is 400 INVALID_REQUEST, naming the entity.</summary>
    public static async Task<AuthZenDecision> EvaluateOneAsync(IPolicyDecisionPoint pdp, ReceivedEvaluation evaluation, CancellationToken ct)
    {
        var question = AuthZenReader.Question(evaluation);
        var decisions = await AuthZenEvaluation.EvaluateAsync(pdp, [question], EvaluationSemantic.ExecuteAll, ct);
        return decisions[0];
    }
}
