using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;
using Secrets.Testing.Policy;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// Our AuthZEN client against our own AuthZEN endpoints: the same questions give the same verdicts
/// as asking the PDP directly, and the PDP behind the endpoints receives the questions as they were.
/// </summary>
public sealed class AuthZenRoundTripTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string[] NoAudiences = [];

    private readonly ScriptedPdp<PolicyRequest> pdp = NewScriptedPdp();
    private readonly ScriptedPdpHost host;
    private readonly AuthZenPdpClient client;
    private readonly HttpClient http;

    public AuthZenRoundTripTests()
    {
        host = new ScriptedPdpHost(pdp);
        http = host.CreateDefaultClient(new Uri("http://localhost/"));
        client = ClientOver(http);
    }

    public void Dispose()
    {
        http.Dispose();
        host.Dispose();
    }

    private static readonly PolicyRequest[] Questions =
    [
        Full(),                                                            // alice: permit with every obligation
        Full(subject: "bob", action: "write"),                             // deny
        Full(subject: "alice", action: "destroy_versions"),                // deny
        Minimal(),                                                         // anonymous: deny
        Full(subject: "alice", uri: "yaml://secret/app/*", action: "read_metadata"),
        Owned("carol", "hashicorp+kv2://secret/payments/stripe#api_key"),  // owner: permit with max_uses only
        Full(subject: "alice", uri: "openbao+kv2://secret/app#token?version=3", action: "execute"),
    ];

    [Theory]
    [InlineData(EvaluationSemantic.ExecuteAll)]
    [InlineData(EvaluationSemantic.DenyOnFirstDeny)]
    [InlineData(EvaluationSemantic.PermitOnFirstPermit)]
    public async Task A_batch_over_the_endpoints_gives_the_verdicts_of_the_PDP_itself(EvaluationSemantic semantic)
    {
        var direct = await new ScriptedDecisionPoint(NewScriptedPdp()).EvaluateAsync(Questions, semantic, Ct);

        var remote = await client.EvaluateAsync(Questions, semantic, Ct);

        remote.ShouldBe(direct);
        pdp.Calls.ShouldHaveSingleItem().Semantic.ShouldBe(semantic);
        ShouldBeTheSame(pdp.AllAsked, Questions);
    }

    [Fact]
    public async Task Each_question_alone_over_the_endpoints_gives_the_verdict_of_the_PDP_itself()
    {
        foreach (var question in Questions)
        {
            var remote = await client.EvaluateAsync([question], EvaluationSemantic.ExecuteAll, Ct);

            remote.ShouldHaveSingleItem().ShouldBe(Decide(question));
        }
        ShouldBeTheSame(pdp.AllAsked, Questions);
    }

    [Fact]
    public async Task An_unavailable_PDP_behind_the_endpoints_is_unavailable_for_the_client()
    {
        pdp.Unavailable = true;

        await Should.ThrowAsync<PdpUnavailableException>(() => client.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        await Should.ThrowAsync<PdpUnavailableException>(() => client.EvaluateAsync(Questions, EvaluationSemantic.ExecuteAll, Ct));
    }

    private static PolicyRequest Owned(string owner, string uri) => new(
        new PolicySubject("client", owner, "t1", owner, null, null),
        new PolicyResource(CanonicalSecretUri.Parse(uri), "t1", new ResourceAttributes(owner, owner, CreatedAt)),
        "rotate",
        new PolicyContext(["crud.secrets"], null, "corr-9", null, null, null));

    /// <summary>Records compare their lists by reference: compare the audiences by content, the rest as records.</summary>
    private static void ShouldBeTheSame(IReadOnlyList<PolicyRequest> received, IReadOnlyList<PolicyRequest> sent)
    {
        received.Count.ShouldBe(sent.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            received[i].Subject.ShouldBe(sent[i].Subject);
            received[i].Resource.ShouldBe(sent[i].Resource);
            received[i].Action.ShouldBe(sent[i].Action);
            received[i].Context.Audiences.ShouldBe(sent[i].Context.Audiences);
            (received[i].Context with { Audiences = NoAudiences }).ShouldBe(sent[i].Context with { Audiences = NoAudiences });
        }
    }
}
