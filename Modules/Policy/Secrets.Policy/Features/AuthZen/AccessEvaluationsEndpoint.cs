using System.Text.Json;
using FastEndpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// POST /access/v1/evaluations: a batch (AuthZEN 1.0 §7). Top-level subject, action, resource and context are
/// defaults each item may replace whole; <c>options.evaluations_semantic</c> is execute_all (a decision per
/// item), deny_on_first_deny or permit_on_first_permit (the decisions up to and including the deciding one).
/// Without items, the top level is one evaluation and the answer a single decision.
/// A malformed request as a whole (not an object, <c>evaluations</c> not an array, unreadable options or a
/// malformed top-level default) is 400; a malformed item is that item's deny with <c>context.error</c>, and the
/// other items are evaluated (§7.2.1, as the certification scenario checks).
/// </summary>
internal sealed class AccessEvaluationsEndpoint : EndpointWithoutRequest
{
    public const string Route = "/access/v1/evaluations";

    public override void Configure()
    {
        Post(Route);
        Summary(s => s.Summary = "AuthZEN Access Evaluations: the embedded PDP's decisions for a batch (dev and test; off in prod unless ENABLE_AUTHZEN_ENDPOINTS)");
        Description(AuthZenServing.Describe<AuthZenEvaluationsRequest, AuthZenDecisions>);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        AuthZenServing.Require(HttpContext);
        using var body = await AuthZenServing.ReadAsync(HttpContext, ct);
        var batch = body.RootElement;
        var semantic = AuthZenReader.Semantic(batch);
        var defaults = ReceivedEvaluation.Of(batch);
        var pdp = HttpContext.RequestServices.GetRequiredService<IPolicyDecisionPoint>();
        var items = AuthZenReader.Member(batch, "evaluations");
        if (items is null || (items.Value.ValueKind == JsonValueKind.Array && items.Value.GetArrayLength() == 0))
        {
            await Send.ResultAsync(TypedResults.Json(await AccessEvaluationEndpoint.EvaluateOneAsync(pdp, defaults, ct), AuthZenJson.Default.AuthZenDecision));
            return;
        }
        if (items.Value.ValueKind != JsonValueKind.Array)
            throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "evaluations must be an array");
        AuthZenReader.CheckDefaults(defaults);

        var questions = items.Value.EnumerateArray().Select(item => QuestionOf(item, defaults)).ToList();
        var decisions = await AuthZenEvaluation.EvaluateAsync(pdp, questions, semantic, ct);
        await Send.ResultAsync(TypedResults.Json(new AuthZenDecisions(decisions), AuthZenJson.Default.AuthZenDecisions));
    }

    /// <summary>One item with the defaults filled in; unreadable, it is an invalid question, not a failed request.</summary>
    private static AuthZenQuestion QuestionOf(JsonElement item, ReceivedEvaluation defaults)
    {
        if (item.ValueKind != JsonValueKind.Object)
            return AuthZenQuestion.Invalid("the evaluation is not an object");
        try
        {
            return AuthZenReader.Question(ReceivedEvaluation.Of(item).WithDefaults(defaults));
        }
        catch (SecretsProblem problem) when (problem.Code == ErrorCode.InvalidRequest)
        {
            return AuthZenQuestion.Invalid(problem.Detail);
        }
    }
}
