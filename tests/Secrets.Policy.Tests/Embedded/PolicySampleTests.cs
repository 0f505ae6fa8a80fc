using System.Text.RegularExpressions;
using Secrets.Policy.Embedded;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>The shipped sample: it loads, keeps dev usable for anonymous callers, and its commented examples are valid too.</summary>
public sealed partial class PolicySampleTests
{
    [Fact]
    public void The_shipped_sample_loads()
    {
        var set = Parse(PolicySample.Text, PolicySample.FileName);

        set.Rules.Select(r => r.Id).ShouldBe(["dev-anonymous-everything"]);
    }

    [Theory]
    [InlineData("yaml://secret/env#MY_API_KEY")]
    [InlineData("openbao+kv2://secret/app/db")]
    [InlineData("hashicorp+kv2://secret/a/b/c#k")]
    [InlineData("yaml://secret/*")]
    [InlineData("openbao+kv2://secret/app/*")]
    public void The_sample_permits_anonymous_every_purpose_on_the_secret_mount(string uri)
    {
        var set = Parse(PolicySample.Text);

        foreach (var purpose in PurposeSet.Names)
            Render(set.Evaluate(Request(purpose, uri))).ShouldBe("permit dev-anonymous-everything", purpose);
    }

    [Theory]
    [InlineData("anonymous", "yaml://team/shared#token")]
    [InlineData("alice", "yaml://secret/env#MY_API_KEY")]
    [InlineData("anonymous", "openbao+kv2://other/app")]
    public void The_sample_denies_other_mounts_and_other_subjects(string subject, string uri) =>
        Render(Parse(PolicySample.Text).Evaluate(Request("read", uri, subject))).ShouldBe("deny -");

    [GeneratedRegex(@"^  # (- .*|  .*)$", RegexOptions.Multiline)]
    private static partial Regex CommentedRuleLine();

    [Fact]
    public void The_commented_examples_of_the_sample_are_valid_rules()
    {
        var uncommented = CommentedRuleLine().Replace(PolicySample.Text, "  $1");

        var set = Parse(uncommented);

        set.Rules.Select(r => r.Id).ShouldBe(["dev-anonymous-everything", "owners-manage-their-secrets", "payments-runtime", "scheduled-rotation", "nobody-destroys-prod-versions"]);
        Render(set.Evaluate(Request("write", "openbao+kv2://secret/team/x", "erin", owner: "erin"))).ShouldBe("permit owners-manage-their-secrets");
        Render(set.Evaluate(Request("execute", "openbao+kv2://secret/payments/stripe#key", "svc-payments", client: "payments-api")))
            .ShouldBe("permit payments-runtime ttl=60 uses=5 binding=dpop");
        Render(set.Evaluate(Request("rotate", "openbao+kv2://secret/payments/db#password", "rotation-scheduler"))).ShouldBe("permit scheduled-rotation");
        Render(set.Evaluate(Request("read", "openbao+kv2://secret/payments/db#password", "rotation-scheduler"))).ShouldBe("deny -");
        Render(set.Evaluate(Request("destroy_versions", "openbao+kv2://secret/prod/db")))
            .ShouldBe("deny nobody-destroys-prod-versions");
    }

    [Fact]
    public void Ensure_exists_writes_the_sample_only_when_the_file_is_missing()
    {
        using var dir = new TempPolicyDirectory();
        var path = Path.Combine(dir.Directory, "nested", PolicySample.FileName);

        PolicySample.EnsureExists(path).ShouldBeTrue();
        File.ReadAllText(path).ShouldBe(PolicySample.Text);
        Directory.GetFiles(Path.GetDirectoryName(path)!).ShouldBe([path]);   // no temp file left behind

        File.WriteAllText(path, "version: 1\nrules: []\n");
        PolicySample.EnsureExists(path).ShouldBeFalse();
        File.ReadAllText(path).ShouldBe("version: 1\nrules: []\n");
    }

    [Fact]
    public async Task Concurrent_starts_leave_one_whole_sample_and_no_temporary_files()
    {
        using var dir = new TempPolicyDirectory();

        var wrote = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PolicySample.EnsureExists(dir.FilePath))));

        wrote.ShouldContain(true);   // racing writers may each move their copy of the same text into place
        File.ReadAllText(dir.FilePath).ShouldBe(PolicySample.Text);
        Directory.GetFiles(dir.Directory).ShouldBe([dir.FilePath]);
    }
}
