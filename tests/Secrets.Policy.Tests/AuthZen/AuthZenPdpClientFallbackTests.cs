using System.Diagnostics;
using System.Text.Json.Nodes;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// A PDP whose metadata offers no batch API (AuthZEN 1.0 §9.1.1): the client asks one evaluation per question and applies
/// the batch semantic itself; and the answers that must never pass: item errors (§7.2.1) and duplicated members (§11.5).
/// </summary>
public sealed class AuthZenPdpClientFallbackTests : IDisposable
{
    private const string Check = "/authz/check";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly ExternalPdp pdp = new("/tenant1");

    public void Dispose() => pdp.Dispose();

    /// <summary>Metadata with an evaluation endpoint at a path of its own and no batch API; each question is answered by its action.</summary>
    private void WithoutBatch(Func<string, string> answerFor)
    {
        pdp.Metadata(("access_evaluation_endpoint", Check));
        pdp.Answer(Check, WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(request => answerFor(JsonNode.Parse(request.Body!)!["action"]!["name"]!.GetValue<string>())));
    }

    private List<JsonNode> Asked() => Received(pdp.Server, pdp.Path + Check).Select(Body).ToList();

    [Fact]
    public async Task Execute_all_asks_every_question_alone_and_answers_in_order()
    {
        WithoutBatch(action => action == "write" ? """{"decision":false,"context":{"decision_id":"dec_w"}}""" : $$$"""{"decision":true,"context":{"decision_id":"dec_{{{action}}}"}}""");
        PolicyRequest[] questions = [Full(action: "read"), Full(action: "write"), Full(action: "delete")];

        var verdicts = await pdp.Pdp().EvaluateAsync(questions, EvaluationSemantic.ExecuteAll, Ct);

        verdicts.Select(v => (v.Decision, v.DecisionId)).ShouldBe([(true, "dec_read"), (false, "dec_w"), (true, "dec_delete")]);
        Asked().Select(b => b["action"]!["name"]!.GetValue<string>()).ShouldBe(["read", "write", "delete"], ignoreOrder: true);
        Asked().ShouldAllBe(b => b["evaluations"] == null);
        Received(pdp.Server, pdp.Path + "/access/v1/evaluations").ShouldBeEmpty();
        Received(pdp.Server, pdp.Path + Check).Select(e => Header(e, "X-Request-ID")).ShouldBe(["corr-1.1", "corr-1.2", "corr-1.3"], ignoreOrder: true);
    }

    [Fact]
    public async Task Deny_on_first_deny_asks_in_order_and_stops_at_the_first_deny()
    {
        WithoutBatch(action => action == "write" ? """{"decision":false}""" : """{"decision":true}""");

        var verdicts = await pdp.Pdp().EvaluateAsync([Full(action: "read"), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.DenyOnFirstDeny, Ct);

        verdicts.Select(v => v.Decision).ShouldBe([true, false]);
        Asked().Select(b => b["action"]!["name"]!.GetValue<string>()).ShouldBe(["read", "write"]);
    }

    [Fact]
    public async Task Deny_on_first_deny_stops_at_an_item_error_too()
    {
        WithoutBatch(action => action == "read" ? """{"decision":false,"context":{"error":{"status":404,"message":"Resource not found"}}}""" : """{"decision":true}""");

        var verdicts = await pdp.Pdp().EvaluateAsync([Full(action: "read"), Full(action: "write")], EvaluationSemantic.DenyOnFirstDeny, Ct);

        verdicts.ShouldHaveSingleItem().Evaluated.ShouldBeFalse();
        Asked().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Permit_on_first_permit_stops_at_the_first_permit()
    {
        WithoutBatch(action => action == "write" ? """{"decision":true}""" : """{"decision":false}""");

        var verdicts = await pdp.Pdp().EvaluateAsync([Full(action: "read"), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.PermitOnFirstPermit, Ct);

        verdicts.Select(v => v.Decision).ShouldBe([false, true]);
        Asked().Count.ShouldBe(2);
    }

    [Fact]
    public async Task One_question_that_cannot_be_asked_makes_the_whole_call_unavailable()
    {
        WithoutBatch(action => action == "write" ? "not json" : """{"decision":true}""");

        await Should.ThrowAsync<PdpUnavailableException>(() =>
            pdp.Pdp().EvaluateAsync([Full(action: "read"), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Fact]
    public async Task Execute_all_asks_a_few_at_a_time()
    {
        pdp.Metadata(("access_evaluation_endpoint", Check));
        pdp.Answer(Check, Json(200, """{"decision":true}""").WithDelay(TimeSpan.FromMilliseconds(300)));

        var verdicts = await pdp.Pdp().EvaluateAsync(Enumerable.Range(0, 8).Select(_ => Full()).ToArray(), EvaluationSemantic.ExecuteAll, Ct);

        verdicts.Count.ShouldBe(8);
        verdicts.ShouldAllBe(v => v.Decision);
        var arrivals = Received(pdp.Server, pdp.Path + Check).Select(e => e.RequestMessage.DateTime).Order().ToList();
        (arrivals[4] - arrivals[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));   // the fifth waited for a first answer
    }

    [Fact]
    public async Task Execute_all_must_have_every_answer_within_one_PDP_TIMEOUT_MS()
    {
        // 12 answers of 700 ms, four at a time, take three rounds: more than the 1.5 s they must all come within
        pdp.Metadata(("access_evaluation_endpoint", Check));
        pdp.Answer(Check, Json(200, """{"decision":true}""").WithDelay(TimeSpan.FromMilliseconds(700)));
        var client = pdp.Pdp(timeoutMs: 1500);
        var clock = Stopwatch.StartNew();

        var failure = await Should.ThrowAsync<PdpUnavailableException>(() =>
            client.EvaluateAsync(Enumerable.Range(0, 12).Select(_ => Full()).ToArray(), EvaluationSemantic.ExecuteAll, Ct));

        failure.Message.ShouldContain("1500 ms");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Without_metadata_a_404_at_the_default_batch_path_means_no_batch_API()
    {
        pdp.MetadataAnswer(404, "{}");
        pdp.Answer("/access/v1/evaluations", 404, "{}");
        pdp.Answer("/access/v1/evaluation", 200, """{"decision":true}""");
        var client = pdp.Pdp();

        (await client.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct)).Select(v => v.Decision).ShouldBe([true, true]);
        (await client.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct)).Count.ShouldBe(2);

        Received(pdp.Server, pdp.Path + "/access/v1/evaluations").Count.ShouldBe(1);   // not tried again
        Received(pdp.Server, pdp.Path + "/access/v1/evaluation").Count.ShouldBe(4);
    }

    [Fact]
    public async Task With_metadata_a_404_at_the_batch_endpoint_is_unavailable()
    {
        pdp.Metadata(("access_evaluation_endpoint", Check), ("access_evaluations_endpoint", "/batch"));
        pdp.Answer("/batch", 404, "{}");
        pdp.Answer(Check, 200, """{"decision":true}""");

        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
        Asked().ShouldBeEmpty();
    }

    // ---- item errors ----

    [Fact]
    public async Task An_item_error_in_a_batch_is_that_items_deny_not_evaluated_and_the_others_stand()
    {
        pdp.Metadata(("access_evaluation_endpoint", Check), ("access_evaluations_endpoint", "/batch"));
        pdp.Answer("/batch", 200, """
            {"evaluations":[
              {"decision":true,"context":{"decision_id":"d1"}},
              {"decision":false,"context":{"decision_id":"d2","error":{"status":404,"message":"Resource not found"}}},
              {"decision":false,"context":{"decision_id":"d3","reason":"Subject is a viewer of the resource"}}
            ]}
            """);

        var verdicts = await pdp.Pdp().EvaluateAsync([Full(), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.ExecuteAll, Ct);

        verdicts[0].ShouldBe(new AccessVerdict(true, "d1", null, null, null, null));
        verdicts[1].ShouldBe(new AccessVerdict(false, "d2", null, null, null, "pdp item error 404") { Evaluated = false });
        verdicts[2].ShouldBe(new AccessVerdict(false, "d3", null, null, null, "Subject is a viewer of the resource"));
        verdicts[2].Evaluated.ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"decision":true,"context":{"error":{"status":500,"message":"policy engine failed"}}}""")]
    [InlineData("""{"decision":true,"context":{"error":"failed"}}""")]
    public async Task A_permit_that_carries_an_error_is_a_deny_not_evaluated(string answer)
    {
        pdp.Metadata(("access_evaluation_endpoint", Check));
        pdp.Answer(Check, 200, answer);

        var verdict = (await pdp.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)).ShouldHaveSingleItem();

        verdict.Decision.ShouldBeFalse();
        verdict.Evaluated.ShouldBeFalse();
        verdict.Reason!.ShouldStartWith("pdp item error");
    }

    // ---- duplicated members ----

    [Theory]
    [InlineData("""{"decision":false,"decision":true}""")]
    [InlineData("""{"decision":true,"context":{"obligations":{"max_uses":1,"max_uses":1000}}}""")]
    [InlineData("""{"decision":true,"context":{"error":null,"error":{"status":400}}}""")]
    public async Task An_answer_with_a_member_given_twice_is_never_a_permit(string answer)
    {
        pdp.Metadata(("access_evaluation_endpoint", Check));
        pdp.Answer(Check, 200, answer);

        (await Should.ThrowAsync<PdpUnavailableException>(() => pdp.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)))
            .Message.ShouldContain("repeats a member");
    }

    [Fact]
    public async Task A_batch_answer_with_a_member_given_twice_is_unavailable()
    {
        pdp.Metadata(("access_evaluation_endpoint", Check), ("access_evaluations_endpoint", "/batch"));
        pdp.Answer("/batch", 200, """{"evaluations":[{"decision":true},{"decision":false,"decision":true}]}""");

        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }
}
