using System.Net;
using Microsoft.AspNetCore.Hosting;
using Secrets.Testing;
using static Secrets.Testing.HostStartup;

namespace Secrets.Host.Tests;

/// <summary>ENVIRONMENT profiles (docs/CONFIGURATION.md#profiles): what each one refuses at startup and what it allows.</summary>
public sealed class ProfileTests
{
    [Fact]
    public void Prod_without_a_tenant_salt_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "prod"), ("TENANT_SALT", null), ("ENABLE_YAML_PROVIDER", "false")).ShouldRefuseToStart("TENANT_SALT");

    /// <summary>ASP.NET Core's environment name arrives under the same key: "Production" is prod, never a silent dev.</summary>
    [Fact]
    public void AspNet_Production_is_the_prod_profile_and_refuses_to_start_without_a_salt() =>
        HostWith(("ENVIRONMENT", "Production"), ("TENANT_SALT", null), ("ENABLE_YAML_PROVIDER", "false")).ShouldRefuseToStart("TENANT_SALT");

    [Fact]
    public void AspNet_Staging_is_no_profile_and_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "Staging")).ShouldRefuseToStart("ENVIRONMENT must be one of dev, test, prod");

    [Fact]
    public void Prod_with_the_yaml_provider_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "prod"), ("ENABLE_YAML_PROVIDER", "true")).ShouldRefuseToStart("YAML");

    [Fact]
    public async Task Prod_has_no_yaml_provider_by_default_so_yaml_uris_are_501()
    {
        using var host = HostWith(("ENVIRONMENT", "prod"));
        var client = host.CreateClient();
        // a plain read: /value (execute) would first need the sender-bound token prod asks for
        await (await client.GetAsync($"/api/secrets?uri={HttpAssertions.Q("yaml://secret/env#MY_API_KEY")}"))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
    }

    [Fact]
    public void Test_without_a_salt_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "test"), ("TENANT_SALT", null)).ShouldRefuseToStart("TENANT_SALT");

    [Fact]
    public void Test_with_yaml_but_no_file_path_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "test"), ("YAML_VAULT_PATH", null)).ShouldRefuseToStart("YAML_VAULT_PATH");

    [Fact]
    public void An_unknown_environment_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "staging")).ShouldRefuseToStart("ENVIRONMENT must be one of");

    [Fact]
    public void Authorization_enforcement_outside_dev_needs_a_policy_decision_point() =>
        HostWith(("ENVIRONMENT", "test"), ("POLICY_PATH", null)).ShouldRefuseToStart("POLICY_PATH");

    [Fact]
    public void Prod_with_authorization_off_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "prod"), ("ENABLE_AUTHORIZATION", "false")).ShouldRefuseToStart("ENABLE_AUTHORIZATION");

    [Fact]
    public void The_embedded_kv2_server_is_refused_outside_dev_and_test() =>
        HostWith(("ENVIRONMENT", "prod"), ("ENABLE_YAML_PROVIDER", "false"), ("VAULT_URL", "dev")).ShouldRefuseToStart("embedded dev KVv2 server");

    [Fact]
    public void The_embedded_kv2_server_binds_loopback_only() =>
        HostWith(("VAULT_DEV_ADDR", "http://0.0.0.0:8200")).ShouldRefuseToStart("loopback");

    [Fact]
    public void A_kv2_url_without_credentials_refuses_to_start() =>
        HostWith(("ENVIRONMENT", "test"), ("OPENBAO_URL", "http://127.0.0.1:1")).ShouldRefuseToStart("OPENBAO_TOKEN");

    [Fact]
    public void Invalid_numbers_name_the_variable() =>
        HostWith(("LIST_MAX_LIMIT", "lots")).ShouldRefuseToStart("LIST_MAX_LIMIT");

    [Fact]
    public async Task Prod_with_an_explicit_override_starts_and_the_yaml_provider_is_read_only()
    {
        using var host = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var client = host.CreateClient();
        await (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/x#k", value = "v" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        await (await client.GetAsync("/api/secrets/audit")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Dev_without_a_salt_starts_with_a_generated_one_and_warns()
    {
        using var host = HostWith(("TENANT_SALT", null));
        (await host.CreateClient().GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Logs.AllText().ShouldContain("random per-process salt");
    }

    [Fact]
    public async Task Dev_without_a_yaml_path_creates_the_sample_file_in_the_content_root()
    {
        var root = Path.Combine(Path.GetTempPath(), "secrets-devroot", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            using var host = new ContentRootHost(root);
            var client = host.CreateClient();

            File.Exists(Path.Combine(root, "dev_secrets.yaml")).ShouldBeTrue();
            var body = await (await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q("yaml://secret/env#MY_API_KEY")}")).ShouldBeOkJsonAsync();
            body["value"]!.GetValue<string>().ShouldBe("dev-api-key-change-me");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed class ContentRootHost(string root) : SecretsHostFactory(new Dictionary<string, string?> { ["YAML_VAULT_PATH"] = null })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseContentRoot(root);
        }
    }
}
