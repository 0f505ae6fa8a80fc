using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Testing;
using static Secrets.Policy.Tests.Embedded.PolicyTestKit;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>The embedded PDP in the host: startup validation, the dev sample, readiness and enforcement with hot reload.</summary>
public sealed class PolicyStartupTests
{
    private const string Broken = """
        version: 1
        rules:
          - id: broken
            resources: ["yaml://secret/*"]
            purposes: [reed]
        """;

    private static string PermitExecute(params string[] resources) => $"""
        version: 1
        rules:
          - id: env-only
            subjects: [anonymous]
            resources: [{string.Join(", ", resources.Select(r => $"\"{r}\""))}]
            purposes: [execute]
        """;

    [Fact]
    public void An_invalid_policy_file_stops_startup_with_the_named_error()
    {
        using var dir = new TempPolicyDirectory();
        dir.WriteInPlace(Broken);
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["POLICY_PATH"] = dir.FilePath });

        var start = () => host.CreateClient();

        start.ShouldThrow<Exception>().ToString()
            .ShouldContain($"PolicyLoadException: {dir.FilePath}: rule 'broken' (#1, line 5): purposes: unknown purpose 'reed'");
    }

    [Fact]
    public void A_missing_policy_file_stops_startup_with_the_named_error()
    {
        using var dir = new TempPolicyDirectory();
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["POLICY_PATH"] = dir.FilePath });

        var start = () => host.CreateClient();

        start.ShouldThrow<Exception>().ToString().ShouldContain($"{dir.FilePath}: the policy file does not exist (POLICY_PATH)");
    }

    [Fact]
    public async Task In_dev_without_policy_path_the_sample_is_written_to_the_content_root_and_loaded()
    {
        using var dir = new TempPolicyDirectory();
        using var host = new ContentRootHost(dir.Directory);
        var client = host.CreateClient();

        File.ReadAllText(dir.FilePath).ShouldBe(PolicySample.Text);
        var pdp = host.Services.GetRequiredService<EmbeddedPdp>();
        host.Services.GetRequiredService<IPolicyDecisionPoint>().ShouldBeSameAs(pdp);
        pdp.Policies.FullPath.ShouldBe(dir.FilePath);
        pdp.Policies.Current.Rules.Select(r => r.Id).ShouldBe(["dev-anonymous-everything"]);

        var ready = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Name == "pdp");
        ready.Entries["pdp"].Status.ShouldBe(HealthStatus.Healthy);
        ready.Entries["pdp"].Description.ShouldBe("1 policy rules in force");
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void In_dev_an_existing_policy_file_in_the_content_root_is_kept()
    {
        using var dir = new TempPolicyDirectory();
        dir.WriteInPlace(PermitExecute("yaml://secret/env"));
        using var host = new ContentRootHost(dir.Directory);

        var pdp = host.Services.GetRequiredService<EmbeddedPdp>();

        pdp.Policies.Current.Rules.Select(r => r.Id).ShouldBe(["env-only"]);
        File.ReadAllText(dir.FilePath).ShouldBe(PermitExecute("yaml://secret/env"));
    }

    [Fact]
    public async Task With_authorization_on_the_policies_decide_and_a_rewrite_takes_effect()
    {
        using var dir = new TempPolicyDirectory();
        dir.WriteInPlace(PermitExecute("yaml://secret/env"));
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["POLICY_PATH"] = dir.FilePath,
            ["ENABLE_AUTHORIZATION"] = "true",
            ["NEGATIVE_CACHE_TTL_S"] = "0",
        });
        var client = host.CreateClient();
        var env = $"/api/secrets/value?uri={HttpAssertions.Q("yaml://secret/env#MY_API_KEY")}";
        var db = $"/api/secrets/value?uri={HttpAssertions.Q("yaml://secret/app/db#password")}";

        (await (await client.GetAsync(env)).ShouldBeOkJsonAsync())["value"]!.GetValue<string>().ShouldBe("dev-api-key");
        await (await client.GetAsync(db)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");

        dir.WriteAndRename(PermitExecute("yaml://secret/env", "yaml://secret/app/db"));
        (await Eventually(async () => (await client.GetAsync(db)).StatusCode == HttpStatusCode.OK)).ShouldBeTrue("the rewritten policy did not take effect");

        dir.WriteAndRename(Broken);
        (await Eventually(async () => await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync() == "Degraded"))
            .ShouldBeTrue("the broken policy file did not degrade readiness");
        (await client.GetAsync(db)).StatusCode.ShouldBe(HttpStatusCode.OK);   // the last good rules stay in force
        host.Logs.AllText().ShouldContain($"{dir.FilePath}: rule 'broken' (#1, line 5): purposes: unknown purpose 'reed'");
    }

    private sealed class ContentRootHost(string root) : SecretsHostFactory(new Dictionary<string, string?> { ["POLICY_PATH"] = null })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseContentRoot(root);
        }
    }
}
