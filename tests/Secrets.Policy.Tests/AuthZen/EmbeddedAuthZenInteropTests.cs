using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Embedded;
using Secrets.Testing;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The AuthZEN client against the host's own AuthZEN endpoints backed by the real embedded PDP and
/// a real policy file: every question, single or batched under each semantic, gets over the wire the
/// verdict the policy set gives directly (decision, obligations, reason; decision ids are per call).
/// </summary>
public sealed class EmbeddedAuthZenInteropTests : IDisposable
{
    private const string Policies = """
        version: 1
        rules:
          - id: no-destroy
            effect: deny
            resources: ["openbao+kv2://secret/*"]
            purposes: [destroy_versions]
          - id: payments-runtime
            subjects: [svc-payments]
            clients: [payments-api]
            resources: ["openbao+kv2://secret/payments/*"]
            purposes: [execute, read]
            obligations: {ttl_seconds: 60, max_uses: 5, require_binding: dpop}
          - id: owners
            resources: ["openbao+kv2://secret/*", "hashicorp+kv2://secret/*"]
            purposes: ["*"]
            when: {owner: $subject}
          - id: listing
            tenants: [t1]
            resources: ["yaml://secret/*"]
            purposes: [read_metadata]
        """;

    private readonly SecretsHostFactory host = new(null, null, Policies);
    private readonly HttpClient http;
    private readonly AuthZenPdpClient client;
    private readonly PolicySet direct = PolicyParser.Parse(Policies, "policies.yaml");

    public EmbeddedAuthZenInteropTests()
    {
        http = host.CreateDefaultClient(new Uri("http://localhost/"));
        client = ClientOver(http);
    }

    public void Dispose()
    {
        http.Dispose();
        host.Dispose();
    }

    private static readonly Secrets.Policy.Decisions.PolicyRequest[] Questions =
    [
        Full(subject: "svc-payments", uri: "openbao+kv2://secret/payments/stripe#api_key", action: "execute") with
        {
            Subject = Full().Subject with { Id = "svc-payments", ClientId = "payments-api" },
        },
        Full(subject: "svc-payments", uri: "openbao+kv2://secret/payments/stripe", action: "write"),
        Full(subject: "alice", uri: "openbao+kv2://secret/app/db#password", action: "execute"),       // alice owns it
        Full(subject: "mallory", uri: "openbao+kv2://secret/app/db#password", action: "execute"),
        Full(subject: "alice", uri: "openbao+kv2://secret/app/db", action: "destroy_versions"),     // deny wins over owner
        Minimal(action: "read_metadata") with
        {
            Resource = Minimal().Resource with { Uri = Shared.Kernel.CanonicalSecretUri.Parse("yaml://secret/env/*", null, Shared.Kernel.UriAllowance.Prefix), TenantId = "t1" },
        },
        Minimal(),
    ];

    private static AccessVerdict WithoutId(AccessVerdict verdict) => verdict with { DecisionId = null };

    [Fact]
    public async Task Each_single_evaluation_over_the_wire_matches_the_policy_set()
    {
        foreach (var question in Questions)
        {
            var remote = (await client.EvaluateAsync([question], EvaluationSemantic.ExecuteAll, CancellationToken.None)).ShouldHaveSingleItem();
            remote.DecisionId.ShouldNotBeNullOrEmpty();
            WithoutId(remote).ShouldBe(WithoutId(direct.Evaluate(question)), question.Subject.Id + " " + question.Resource.Uri + " " + question.Action);
        }
        direct.Evaluate(Questions[0]).Decision.ShouldBeTrue();
        direct.Evaluate(Questions[3]).Decision.ShouldBeFalse();
    }

    [Theory]
    [InlineData(EvaluationSemantic.ExecuteAll)]
    [InlineData(EvaluationSemantic.DenyOnFirstDeny)]
    [InlineData(EvaluationSemantic.PermitOnFirstPermit)]
    public async Task A_batch_over_the_wire_matches_the_embedded_pdp_under_each_semantic(EvaluationSemantic semantic)
    {
        var pdp = new EmbeddedPdp(PolicyFile.Open(host.PolicyPath, Microsoft.Extensions.Logging.Abstractions.NullLogger<PolicyFile>.Instance, TimeProvider.System, watch: false));
        var expected = pdp.Evaluate(Questions, semantic);

        var remote = await client.EvaluateAsync(Questions, semantic, CancellationToken.None);

        remote.Select(WithoutId).ShouldBe(expected.Select(WithoutId));
        if (semantic == EvaluationSemantic.ExecuteAll)
            remote.Count.ShouldBe(Questions.Length);
        if (semantic == EvaluationSemantic.DenyOnFirstDeny)
            remote.Count.ShouldBe(2);                // the payments write is the first deny
        if (semantic == EvaluationSemantic.PermitOnFirstPermit)
            remote.Count.ShouldBe(1);
    }
}
