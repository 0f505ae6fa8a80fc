using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Shared.Kernel;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>
/// The evaluation table: purposes × subjects × clients × tenants × URIs × resource attributes
/// against one policy file. Expected: "permit RULE [obligations]", "deny RULE" or "deny -" (no matching rule).
/// </summary>
public sealed class PolicyMatrixTests
{
    private const string Policies = """
        version: 1
        rules:
          - id: payments-prod-no-destroy
            effect: deny
            resources: ["openbao+kv2://secret/payments/prod/*"]
            purposes: [destroy_versions, delete]
          - id: payments-runtime
            subjects: [svc-payments]
            clients: [payments-api]
            tenants: [t1]
            resources: ["openbao+kv2://secret/payments/*"]
            purposes: [execute]
            obligations: {ttl_seconds: 60, max_uses: 5, require_binding: dpop}
          - id: payments-team
            subjects: [svc-payments, alice]
            resources: ["openbao+kv2://secret/payments/*"]
            purposes: [execute, read, read_metadata, delete, destroy_versions]
            obligations: {ttl_seconds: 300}
          - id: db-password-only
            clients: ["*"]
            resources: ["openbao+kv2://secret/app/db#password"]
            purposes: [execute]
            obligations: {max_uses: 1}
          - id: db-whole-secret
            subjects: [bob]
            resources: ["OpenBao+KV2://secret/app/db"]
            purposes: [read, execute]
          - id: owners
            resources: ["hashicorp+kv2://secret/*"]
            purposes: ["*"]
            when: {owner: $subject}
          - id: creator-client-reads
            resources: ["hashicorp+kv2://secret/*"]
            purposes: [read, read_metadata]
            when: {created_by: $client}
          - id: team-a-literal
            resources: ["yaml://team/*"]
            purposes: [read]
            when: {owner: team-a, created_by: $subject}
          - id: carol-deep
            subjects: [carol]
            resources: ["yaml://secret/a/b/*"]
            purposes: [read, read_metadata]
            obligations: {require_binding: any}
          - id: tenant-two-writes
            tenants: [t2]
            resources: ["yaml://secret/*"]
            purposes: [write]
          - id: no-anonymous-writes
            effect: deny
            subjects: [anonymous]
            resources: ["yaml://secret/*"]
            purposes: [write]
          - id: anonymous-dev
            subjects: [anonymous]
            resources: ["yaml://secret"]
            purposes: ["*"]
        """;

    private static readonly PolicySet Set = Parse(Policies, "matrix.yaml");

    [Theory]
    // first matching permit wins, with its own obligations
    [InlineData("execute", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/payments/stripe#api_key", null, null, "permit payments-runtime ttl=60 uses=5 binding=dpop")]
    [InlineData("execute", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/payments/eu/stripe/keys", null, null, "permit payments-runtime ttl=60 uses=5 binding=dpop")]
    [InlineData("execute", "svc-payments", null, "t1", "openbao+kv2://secret/payments/stripe", null, null, "permit payments-team ttl=300")]
    [InlineData("execute", "svc-payments", "other-api", "t1", "openbao+kv2://secret/payments/stripe", null, null, "permit payments-team ttl=300")]
    [InlineData("execute", "svc-payments", "payments-api", "t2", "openbao+kv2://secret/payments/stripe", null, null, "permit payments-team ttl=300")]
    [InlineData("read", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/payments/stripe", null, null, "permit payments-team ttl=300")]
    [InlineData("execute", "bob", "web", "t1", "openbao+kv2://secret/app/db#password", null, null, "permit db-password-only uses=1")]
    // provider, engine and the '/*' boundary
    [InlineData("execute", "svc-payments", "payments-api", "t1", "hashicorp+kv2://secret/payments/stripe", null, null, "deny -")]
    [InlineData("execute", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/payments", null, null, "deny -")]
    [InlineData("execute", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/paymentsx/stripe", null, null, "deny -")]
    [InlineData("execute", "svc-payments", "payments-api", "t1", "openbao+kv2://other/payments/stripe", null, null, "deny -")]
    [InlineData("write", "alice", null, "t1", "openbao+kv2://secret/payments/stripe", null, null, "deny -")]
    [InlineData("execute", "mallory", null, "t1", "openbao+kv2://secret/payments/stripe", null, null, "deny -")]
    // prefix (listing) requests: at or below a '/*' pattern, never above it
    [InlineData("read_metadata", "alice", null, "t1", "openbao+kv2://secret/payments/*", null, null, "permit payments-team ttl=300")]
    [InlineData("read_metadata", "alice", null, "t1", "openbao+kv2://secret/payments/eu/*", null, null, "permit payments-team ttl=300")]
    [InlineData("read_metadata", "alice", null, "t1", "openbao+kv2://secret/*", null, null, "deny -")]
    [InlineData("read_metadata", "alice", null, "t1", "openbao+kv2://secret", null, null, "deny -")]
    // deny overrides every permit, wherever it is in the file
    [InlineData("destroy_versions", "alice", null, "t1", "openbao+kv2://secret/payments/prod/db", null, null, "deny payments-prod-no-destroy")]
    [InlineData("delete", "svc-payments", "payments-api", "t1", "openbao+kv2://secret/payments/prod/a/b/c#k", null, null, "deny payments-prod-no-destroy")]
    [InlineData("destroy_versions", "alice", null, "t1", "openbao+kv2://secret/payments/dev/db", null, null, "permit payments-team ttl=300")]
    [InlineData("write", "anonymous", null, "t2", "yaml://secret/x", null, null, "deny no-anonymous-writes")]
    // exact patterns: any key without a fragment, one key with it, never below or a listing
    [InlineData("execute", "erin", "web", "t1", "openbao+kv2://secret/app/db#password", null, null, "permit db-password-only uses=1")]
    [InlineData("execute", "erin", null, "t1", "openbao+kv2://secret/app/db#password", null, null, "deny -")]
    [InlineData("execute", "erin", "web", "t1", "openbao+kv2://secret/app/db#username", null, null, "deny -")]
    [InlineData("execute", "erin", "web", "t1", "openbao+kv2://secret/app/db", null, null, "deny -")]
    [InlineData("execute", "bob", null, "t1", "openbao+kv2://secret/app/db#username", null, null, "permit db-whole-secret")]
    [InlineData("read", "bob", null, "t1", "openbao+kv2://secret/app/db", null, null, "permit db-whole-secret")]
    [InlineData("read", "bob", null, "t1", "openbao+kv2://secret/app/db?version=3", null, null, "permit db-whole-secret")]
    [InlineData("read", "bob", null, "t1", "openbao+kv2://secret/app/db/*", null, null, "deny -")]
    [InlineData("read", "bob", null, "t1", "openbao+kv2://secret/app/db/replica", null, null, "deny -")]
    [InlineData("write", "bob", null, "t1", "openbao+kv2://secret/app/db", null, null, "deny -")]
    // resource attributes: owner == subject, created_by == client, literals; a missing attribute never matches
    [InlineData("write", "erin", null, "t1", "hashicorp+kv2://secret/team/x", "erin", null, "permit owners")]
    [InlineData("destroy_versions", "erin", null, "t1", "hashicorp+kv2://secret/deep/a/b/c", "erin", null, "permit owners")]
    [InlineData("write", "erin", null, "t1", "hashicorp+kv2://secret/team/x", "frank", null, "deny -")]
    [InlineData("write", "erin", null, "t1", "hashicorp+kv2://secret/team/x", null, null, "deny -")]
    [InlineData("write", "erin", null, "t1", "hashicorp+kv2://secret/team/x", null, "erin", "deny -")]
    [InlineData("read", "erin", null, "t1", "openbao+kv2://secret/team/x", "erin", null, "deny -")]
    [InlineData("read", "erin", "ci-bot", "t1", "hashicorp+kv2://secret/team/x", "frank", "ci-bot", "permit creator-client-reads")]
    [InlineData("write", "erin", "ci-bot", "t1", "hashicorp+kv2://secret/team/x", "frank", "ci-bot", "deny -")]
    [InlineData("read", "erin", null, "t1", "hashicorp+kv2://secret/team/x", "frank", "ci-bot", "deny -")]
    [InlineData("read", "gina", null, "t1", "yaml://team/shared/token", "team-a", "gina", "permit team-a-literal")]
    [InlineData("read", "gina", null, "t1", "yaml://team/shared/token", "team-b", "gina", "deny -")]
    [InlineData("read", "gina", null, "t1", "yaml://team/shared/token", "team-a", null, "deny -")]
    [InlineData("read", "gina", null, "t1", "yaml://team/shared/token", "team-a", "hank", "deny -")]
    // '/*' at several depths
    [InlineData("read", "carol", null, "t1", "yaml://secret/a/b/c/d/e#k", null, null, "permit carol-deep binding=any")]
    [InlineData("read_metadata", "carol", null, "t1", "yaml://secret/a/b/*", null, null, "permit carol-deep binding=any")]
    [InlineData("read_metadata", "carol", null, "t1", "yaml://secret/a/b/c/*", null, null, "permit carol-deep binding=any")]
    [InlineData("read_metadata", "carol", null, "t1", "yaml://secret/a/*", null, null, "deny -")]
    [InlineData("read", "carol", null, "t1", "yaml://secret/a/b", null, null, "deny -")]
    [InlineData("write", "carol", null, "t1", "yaml://secret/a/b/c", null, null, "deny -")]
    // tenants; a bare mount pattern is the whole mount
    [InlineData("write", "dave", null, "t2", "yaml://secret/x", null, null, "permit tenant-two-writes")]
    [InlineData("write", "dave", null, "t1", "yaml://secret/x", null, null, "deny -")]
    [InlineData("write", "dave", null, null, "yaml://secret/x", null, null, "deny -")]
    [InlineData("read", "anonymous", null, "t1", "yaml://secret/env#MY_API_KEY", null, null, "permit anonymous-dev")]
    [InlineData("read_metadata", "anonymous", null, "t1", "yaml://secret", null, null, "permit anonymous-dev")]
    [InlineData("rotate", "anonymous", null, "t1", "yaml://secret/deep/er/still", "someone", null, "permit anonymous-dev")]
    [InlineData("read", "anonymous", null, "t1", "yaml://team/shared/token", null, null, "deny -")]
    [InlineData("read", "anonymous", null, "t1", "openbao+kv2://secret/env", null, null, "deny -")]
    public void Verdict(string purpose, string subject, string? client, string? tenant, string uri, string? owner, string? createdBy, string expected)
    {
        var verdict = Set.Evaluate(Request(purpose, uri, subject, client, tenant, owner, createdBy));

        Render(verdict).ShouldBe(expected);
        verdict.DecisionId.ShouldNotBeNull().ShouldStartWith("dec_");
    }

    [Fact]
    public void Unknown_attributes_make_a_conditional_permit_fail_and_a_conditional_deny_hold()
    {
        var set = Parse("""
            version: 1
            rules:
              - id: maybe-hidden
                effect: deny
                resources: ["yaml://secret/a/*"]
                purposes: [read_metadata]
                when: {owner: nobody}
              - id: owners
                resources: ["yaml://secret/*"]
                purposes: [read_metadata]
                when: {owner: $subject}
              - id: plain
                resources: ["yaml://secret/b/*"]
                purposes: [read_metadata]
            """);
        PolicyRequest Listing(string uri)
        {
            var request = Request("read_metadata", uri, "erin", owner: "erin");
            return request with { Resource = request.Resource with { Attributes = ResourceAttributes.Unknown } };
        }

        Render(set.Evaluate(Request("read_metadata", "yaml://secret/c/x", "erin", owner: "erin"))).ShouldBe("permit owners");
        Render(set.Evaluate(Listing("yaml://secret/c/x"))).ShouldBe("deny -");            // the owner is not known: no permit
        Render(set.Evaluate(Listing("yaml://secret/a/x"))).ShouldBe("deny maybe-hidden");  // the deny might hold: it does
        Render(set.Evaluate(Listing("yaml://secret/b/x"))).ShouldBe("permit plain");      // no condition: decided on the name
    }

    [Fact]
    public void An_action_that_is_no_purpose_matches_no_rule_not_even_a_star()
    {
        var verdict = Set.Evaluate(Request("frobnicate", "yaml://secret/env"));

        verdict.Decision.ShouldBeFalse();
        verdict.Reason.ShouldBe("no matching rule");
    }

    [Fact]
    public void An_empty_rule_list_denies_everything()
    {
        var empty = Parse("version: 1\nrules: []\n");

        var verdict = empty.Evaluate(Request("read", "yaml://secret/env"));

        empty.Rules.ShouldBeEmpty();
        Render(verdict).ShouldBe("deny -");
    }

    [Fact]
    public void Every_verdict_has_its_own_decision_id()
    {
        var request = Request("read", "yaml://secret/env");

        var ids = Enumerable.Range(0, 50).Select(_ => Set.Evaluate(request).DecisionId).ToList();

        ids.Distinct().Count().ShouldBe(50);
    }

    [Fact]
    public void Subject_star_matches_any_subject_including_anonymous_and_client_star_needs_a_client()
    {
        var set = Parse("""
            version: 1
            rules:
              - id: anyone
                subjects: ["*"]
                resources: ["yaml://secret/open/*"]
                purposes: [read]
              - id: any-client
                clients: ["*"]
                resources: ["yaml://secret/apps/*"]
                purposes: [read]
            """);

        Render(set.Evaluate(Request("read", "yaml://secret/open/x"))).ShouldBe("permit anyone");
        Render(set.Evaluate(Request("read", "yaml://secret/open/x", "zed"))).ShouldBe("permit anyone");
        Render(set.Evaluate(Request("read", "yaml://secret/apps/x", "zed"))).ShouldBe("deny -");
        Render(set.Evaluate(Request("read", "yaml://secret/apps/x", "zed", client: "cli"))).ShouldBe("permit any-client");
    }

    [Fact]
    public void Patterns_are_normalised_like_request_uris()
    {
        var set = Parse("""
            version: 1
            rules:
              - id: normalised
                resources: ["OPENBAO://secret/caf%C3%A9/*", "yaml://secret/a%2Db"]
                purposes: [read]
            """);

        set.Rules[0].Resources.Select(r => r.Text).ShouldBe(["openbao+kv2://secret/café/*", "yaml://secret/a-b"]);
        Render(set.Evaluate(Request("read", "openbao+kv2://secret/café/menu"))).ShouldBe("permit normalised");
        Render(set.Evaluate(Request("read", "yaml://secret/a-b#k"))).ShouldBe("permit normalised");
    }
}
