using Secrets.Policy.Embedded;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>
/// Load-time validation: every problem stops the load with a message that names the file, the rule
/// (id and 1-based index), the field and the line.
/// </summary>
public sealed class PolicyValidationTests
{
    private const string File = "bad.yaml";

    /// <summary>A file whose rule #1 is valid ('ok') and whose rule #2 is 'r' with <paramref name="fields"/> (lines from 7 on).</summary>
    private static string SecondRule(string fields) =>
        "version: 1\n"                                  // 1
        + "rules:\n"                                    // 2
        + "  - id: ok\n"                                // 3
        + "    resources: [\"yaml://secret/*\"]\n"      // 4
        + "    purposes: [read]\n"                      // 5
        + "  - id: r\n"                                 // 6
        + string.Join("", fields.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l + "\n"));

    private const string Valid = "resources: [\"yaml://secret/*\"]\npurposes: [read]\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        // the file as a whole
        { "syntax error", "version: 1\nrules: [\n", "bad.yaml| YAML syntax error" },
        { "syntax error with its line", "version: 1\nrules:\n  - id: \"unterminated\n", "bad.yaml (line 3, column 9): YAML syntax error" },
        { "duplicate key", "version: 1\nversion: 1\nrules: []\n", "bad.yaml (line 2, column 1): YAML syntax error: Duplicate key" },
        { "empty file", "", "bad.yaml: the file is empty" },
        { "only comments", "# nothing yet\n", "bad.yaml: the file is empty" },
        { "two documents", "version: 1\nrules: []\n---\nversion: 1\n", "bad.yaml (line 4): more than one YAML document" },
        { "root is a list", "- version: 1\n", "bad.yaml (line 1): expected a mapping with 'version' and 'rules', got a list" },
        { "unknown top-level field", "version: 1\nrules: []\npolicies: []\n", "bad.yaml (line 3): unknown field 'policies' (expected version, rules)" },
        { "missing version", "rules: []\n", "bad.yaml (line 1): version: missing" },
        { "wrong version", "version: 2\nrules: []\n", "bad.yaml (line 1): version: must be 1, got '2'" },
        { "version as text", "version: \"1\"\nrules: []\n", "bad.yaml (line 1): version: must be 1, got the text \"1\"" },
        { "missing rules", "version: 1\n", "bad.yaml (line 1): rules: missing" },
        { "rules is a mapping", "version: 1\nrules:\n  a: 1\n", "bad.yaml (line 3): rules: expected a list of rules, got a mapping" },
        { "rules is nothing", "version: 1\nrules:\n", "bad.yaml (line 2): rules: expected a list of rules, got nothing" },
        // ids
        { "rule is not a mapping", "version: 1\nrules:\n  - just-a-name\n", "bad.yaml: rule #1 (line 3): expected a mapping with id, resources and purposes, got 'just-a-name'" },
        { "missing id", "version: 1\nrules:\n  - resources: [\"yaml://secret/*\"]\n    purposes: [read]\n", "bad.yaml: rule #1 (line 3): id: missing" },
        { "invalid id", SecondRule("").Replace("id: r", "id: \"no spaces!\""), "bad.yaml: rule #2 (line 6): id: 'no spaces!' is not a valid id" },
        { "id too long", SecondRule(Valid).Replace("id: r", "id: " + new string('x', 65)), "bad.yaml: rule #2 (line 6): id: '" + new string('x', 65) + "' is not a valid id" },
        { "id is a list", SecondRule(Valid).Replace("id: r", "id: [a]"), "bad.yaml: rule #2 (line 6): id: expected a non-empty text, got a list" },
        { "duplicate id", SecondRule(Valid).Replace("id: r", "id: ok"), "bad.yaml: rule 'ok' (#2, line 6): id: duplicate id; rule #1 (line 3) already has it" },
        // fields
        { "unknown rule field", SecondRule(Valid + "subject: [alice]\n"), "bad.yaml: rule 'r' (#2, line 9): unknown field 'subject' (expected one of id, description, effect, subjects" },
        { "bad effect", SecondRule(Valid + "effect: allow\n"), "bad.yaml: rule 'r' (#2, line 9): effect: unknown effect 'allow' (expected permit or deny)" },
        { "description is a list", SecondRule(Valid + "description: [a]\n"), "rule 'r' (#2, line 9): description: expected text, got a list" },
        { "unknown purpose", SecondRule("resources: [\"yaml://secret/*\"]\npurposes: [read, reed]\n"), "bad.yaml: rule 'r' (#2, line 8): purposes: unknown purpose 'reed' (expected one of read, execute, write, delete, undelete, destroy_versions, rotate, read_metadata, owner_update, backup, restore, or \"*\")" },
        { "missing purposes", SecondRule("resources: [\"yaml://secret/*\"]\n"), "bad.yaml: rule 'r' (#2, line 6): purposes: missing" },
        { "empty purposes", SecondRule("resources: [\"yaml://secret/*\"]\npurposes: []\n"), "bad.yaml: rule 'r' (#2, line 8): purposes: empty list (required: at least one entry)" },
        { "purposes as text", SecondRule("resources: [\"yaml://secret/*\"]\npurposes: read\n"), "bad.yaml: rule 'r' (#2, line 8): purposes: expected a list (e.g. [a, b]), got 'read'" },
        { "missing resources", SecondRule("purposes: [read]\n"), "bad.yaml: rule 'r' (#2, line 6): resources: missing" },
        { "empty resources", SecondRule("resources: []\npurposes: [read]\n"), "bad.yaml: rule 'r' (#2, line 7): resources: empty list (required: at least one entry)" },
        { "wildcard inside a segment", SecondRule("resources: [\"yaml://secret/*\", \"openbao+kv2://secret/pay*\"]\npurposes: [read]\n"), "bad.yaml: rule 'r' (#2, line 7): resources: invalid pattern 'openbao+kv2://secret/pay*': INVALID_WILDCARD" },
        { "wildcard with a fragment", SecondRule("resources: [\"yaml://secret/*#key\"]\npurposes: [read]\n"), "rule 'r' (#2, line 7): resources: invalid pattern 'yaml://secret/*#key': INVALID_WILDCARD" },
        { "unknown provider", SecondRule("resources: [\"vault://secret/x\"]\npurposes: [read]\n"), "rule 'r' (#2, line 7): resources: invalid pattern 'vault://secret/x': UNSUPPORTED_PROVIDER" },
        { "illegal segment", SecondRule("resources:\n  - \"yaml://secret/a/../b\"\npurposes: [read]\n"), "rule 'r' (#2, line 8): resources: invalid pattern 'yaml://secret/a/../b': ILLEGAL_SEGMENT" },
        { "version pin", SecondRule("resources: [\"openbao+kv2://secret/app?version=2\"]\npurposes: [read]\n"), "rule 'r' (#2, line 7): resources: 'openbao+kv2://secret/app?version=2' pins a version" },
        { "empty subjects", SecondRule(Valid + "subjects: []\n"), "rule 'r' (#2, line 9): subjects: empty list (omit subjects to match any)" },
        { "subjects as text", SecondRule(Valid + "subjects: alice\n"), "rule 'r' (#2, line 9): subjects: expected a list (e.g. [a, b]), got 'alice'" },
        { "clients holding a list", SecondRule(Valid + "clients: [[a]]\n"), "rule 'r' (#2, line 9): clients: expected a non-empty text in the list, got a list" },
        { "empty text in tenants", SecondRule(Valid + "tenants: [t1, \"\"]\n"), "rule 'r' (#2, line 9): tenants: expected a non-empty text in the list, got the text \"\"" },
        { "tenant star", SecondRule(Valid + "tenants: [\"*\"]\n"), "rule 'r' (#2, line 9): tenants: '*' is not a tenant id" },
        // when
        { "when is a list", SecondRule(Valid + "when: [owner]\n"), "rule 'r' (#2, line 9): when: expected a mapping of resource attributes" },
        { "empty when", SecondRule(Valid + "when: {}\n"), "rule 'r' (#2, line 9): when: empty" },
        { "unknown when key", SecondRule(Valid + "when:\n  group: admins\n"), "rule 'r' (#2, line 10): when: unknown attribute 'group' (expected owner or created_by)" },
        { "unknown variable", SecondRule(Valid + "when:\n  owner: $owner\n"), "rule 'r' (#2, line 10): when.owner: unknown variable '$owner' (expected $subject or $client" },
        { "empty when value", SecondRule(Valid + "when:\n  created_by:\n"), "rule 'r' (#2, line 10): when.created_by: expected a non-empty text, got nothing" },
        // obligations
        { "obligations on a deny rule", SecondRule(Valid + "effect: deny\nobligations: {max_uses: 1}\n"), "rule 'r' (#2, line 10): obligations: not allowed on a deny rule" },
        { "obligations before deny", SecondRule(Valid + "obligations: {max_uses: 1}\neffect: deny\n"), "rule 'r' (#2, line 9): obligations: not allowed on a deny rule" },
        { "ttl zero", SecondRule(Valid + "obligations:\n  ttl_seconds: 0\n"), "rule 'r' (#2, line 10): obligations.ttl_seconds: expected a whole number from 1 to 86400, got 0" },
        { "ttl too long", SecondRule(Valid + "obligations:\n  ttl_seconds: 86401\n"), "rule 'r' (#2, line 10): obligations.ttl_seconds: expected a whole number from 1 to 86400, got 86401" },
        { "ttl as text", SecondRule(Valid + "obligations:\n  ttl_seconds: \"60\"\n"), "rule 'r' (#2, line 10): obligations.ttl_seconds: expected a whole number from 1 to 86400, got the text \"60\"" },
        { "ttl not a number", SecondRule(Valid + "obligations:\n  ttl_seconds: 1.5\n"), "rule 'r' (#2, line 10): obligations.ttl_seconds: expected a whole number from 1 to 86400, got 1.5" },
        { "max uses zero", SecondRule(Valid + "obligations:\n  max_uses: 0\n"), "rule 'r' (#2, line 10): obligations.max_uses: expected a whole number of at least 1, got 0" },
        { "max uses negative", SecondRule(Valid + "obligations:\n  max_uses: -3\n"), "rule 'r' (#2, line 10): obligations.max_uses: expected a whole number of at least 1, got -3" },
        { "bad binding", SecondRule(Valid + "obligations:\n  require_binding: token\n"), "rule 'r' (#2, line 10): obligations.require_binding: unknown binding 'token' (expected dpop, mtls, any)" },
        { "unknown obligation", SecondRule(Valid + "obligations:\n  uses: 3\n"), "rule 'r' (#2, line 10): obligations: unknown obligation 'uses'" },
        { "empty obligations", SecondRule(Valid + "obligations: {}\n"), "rule 'r' (#2, line 9): obligations: empty" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_policy_file_is_rejected_with_a_named_error(string problem, string yaml, string expected)
    {
        var load = () => Parse(yaml, File);

        var error = load.ShouldThrow<PolicyLoadException>(problem);
        error.PolicyPath.ShouldBe(File);
        foreach (var part in expected.Split('|', StringSplitOptions.TrimEntries))
            error.Message.ShouldContain(part, Case.Sensitive, problem);
    }

    [Fact]
    public void The_error_names_file_rule_index_field_and_line()
    {
        var yaml = """
            version: 1
            rules:
              - id: readers
                resources: ["yaml://secret/*"]
                purposes: [read]

              - id: payments-runtime
                description: "the payments API reads its runtime secrets"
                subjects: [svc-payments]
                resources:
                  - "openbao+kv2://secret/payments/*"
                purposes:
                  - execute
                  - reed
            """;

        var error = Should.Throw<PolicyLoadException>(() => Parse(yaml, "policies.yaml"));

        error.Message.ShouldBe("policies.yaml: rule 'payments-runtime' (#2, line 14): purposes: unknown purpose 'reed' (expected one of "
            + "read, execute, write, delete, undelete, destroy_versions, rotate, read_metadata, owner_update, backup, restore, or \"*\")");
        (error.RuleId, error.RuleIndex, error.Field, error.Line).ShouldBe(("payments-runtime", 2, "purposes", 14L));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var dir = new TempPolicyDirectory();

        var error = Should.Throw<PolicyLoadException>(() => PolicyFile.Load(dir.FilePath));

        error.Message.ShouldBe($"{dir.FilePath}: the policy file does not exist (POLICY_PATH)");
    }

    [Fact]
    public void A_file_load_names_the_full_path()
    {
        using var dir = new TempPolicyDirectory();
        dir.WriteInPlace("version: 1\nrules:\n  - id: x\n    resources: [\"yaml://secret/*\"]\n    purposes: [reed]\n");

        var error = Should.Throw<PolicyLoadException>(() => PolicyFile.Load(dir.FilePath));

        error.Message.ShouldStartWith($"{dir.FilePath}: rule 'x' (#1, line 5): purposes: unknown purpose 'reed'");
    }

    [Fact]
    public void Optional_fields_may_be_omitted_and_obligations_stay_null()
    {
        var set = Parse("version: 1\nrules:\n  - id: minimal\n    resources: [\"yaml://secret/a\"]\n    purposes: [read]\n");

        var rule = set.Rules.ShouldHaveSingleItem();
        (rule.Effect, rule.Subjects, rule.Clients, rule.AnyPresentClient, rule.Tenants).ShouldBe((RuleEffect.Permit, null, null, false, null));
        (rule.TtlSeconds, rule.MaxUses, rule.RequireBinding, rule.Description).ShouldBe((null, null, null, null));
        rule.When.ShouldBeEmpty();
    }
}
