using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Testing.Logging;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>AuthZEN evaluation semantics of a batch: all, stop at the first deny, stop at the first permit.</summary>
public sealed class BatchSemanticsTests : IDisposable
{
    private const string Policies = """
        version: 1
        rules:
          - id: readers
            resources: ["yaml://secret/open/*"]
            purposes: [read]
            obligations: {max_uses: 2}
        """;

    private readonly TempPolicyDirectory dir = new();
    private readonly PolicyFile file;
    private readonly EmbeddedPdp pdp;

    public BatchSemanticsTests()
    {
        dir.WriteInPlace(Policies);
        file = PolicyFile.Open(dir.FilePath, new CapturingLoggerProvider().Logger<PolicyFile>(), TimeProvider.System);
        pdp = new EmbeddedPdp(file);
    }

    public void Dispose()
    {
        file.Dispose();
        dir.Dispose();
    }

    private static PolicyRequest Permitted(string name) => Request("read", $"yaml://secret/open/{name}");

    private static PolicyRequest Denied(string name) => Request("read", $"yaml://secret/closed/{name}");

    private async Task<string[]> Evaluate(EvaluationSemantic semantic, params PolicyRequest[] requests) =>
        (await pdp.EvaluateAsync(requests, semantic, CancellationToken.None)).Select(Render).ToArray();

    [Fact]
    public async Task Execute_all_answers_every_request_in_order()
    {
        var verdicts = await Evaluate(EvaluationSemantic.ExecuteAll, Permitted("a"), Denied("b"), Permitted("c"), Denied("d"));

        verdicts.ShouldBe(["permit readers uses=2", "deny -", "permit readers uses=2", "deny -"]);
    }

    [Fact]
    public async Task Deny_on_first_deny_stops_after_the_first_deny_including_it()
    {
        var verdicts = await Evaluate(EvaluationSemantic.DenyOnFirstDeny, Permitted("a"), Denied("b"), Permitted("c"), Denied("d"));

        verdicts.ShouldBe(["permit readers uses=2", "deny -"]);
    }

    [Fact]
    public async Task Deny_on_first_deny_answers_all_when_nothing_is_denied()
    {
        var verdicts = await Evaluate(EvaluationSemantic.DenyOnFirstDeny, Permitted("a"), Permitted("b"), Permitted("c"));

        verdicts.Length.ShouldBe(3);
    }

    [Fact]
    public async Task Permit_on_first_permit_stops_after_the_first_permit_including_it()
    {
        var verdicts = await Evaluate(EvaluationSemantic.PermitOnFirstPermit, Denied("a"), Denied("b"), Permitted("c"), Permitted("d"));

        verdicts.ShouldBe(["deny -", "deny -", "permit readers uses=2"]);
    }

    [Fact]
    public async Task Permit_on_first_permit_answers_all_when_nothing_is_permitted()
    {
        var verdicts = await Evaluate(EvaluationSemantic.PermitOnFirstPermit, Denied("a"), Denied("b"));

        verdicts.ShouldBe(["deny -", "deny -"]);
    }

    [Theory]
    [InlineData(EvaluationSemantic.ExecuteAll)]
    [InlineData(EvaluationSemantic.DenyOnFirstDeny)]
    [InlineData(EvaluationSemantic.PermitOnFirstPermit)]
    public async Task An_empty_batch_has_no_verdicts(EvaluationSemantic semantic) =>
        (await Evaluate(semantic)).ShouldBeEmpty();

    [Fact]
    public async Task Each_verdict_of_a_batch_has_its_own_decision_id()
    {
        var verdicts = await pdp.EvaluateAsync([Permitted("a"), Permitted("a"), Denied("b")], EvaluationSemantic.ExecuteAll, CancellationToken.None);

        verdicts.Select(v => v.DecisionId).Distinct().Count().ShouldBe(3);
        verdicts.ShouldAllBe(v => v.DecisionId!.StartsWith("dec_"));
    }

    [Fact]
    public async Task A_cancelled_evaluation_throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => pdp.EvaluateAsync([Permitted("a")], EvaluationSemantic.ExecuteAll, cts.Token));
    }
}
