using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Rotation.Tests.Features.BackupRestore;

/// <summary>
/// Backup and restore are authorised like every other use (docs/AUTHORIZATION.md): the purposes <c>backup</c> and
/// <c>restore</c> and, when scopes are enforced, the scope <c>secrets.admin</c>. A refused backup streams nothing;
/// a refused restore writes nothing, and each refused path has its deny record.
/// </summary>
public sealed class BackupRestoreAuthorizationTests
{
    private const string EverythingButBackupAndRestore = """
        version: 1
        rules:
          - id: no-admin
            resources: ["openbao+kv2://secret/*"]
            purposes: ["read", "execute", "write", "delete", "undelete", "destroy_versions", "rotate", "read_metadata", "owner_update"]
        """;

    private readonly string key = Archives.NewKey();
    private readonly string root = "openbao+kv2://secret/bk-authz-" + Guid.NewGuid().ToString("N")[..8];

    private Dictionary<string, string?> Settings(bool authorization) => new()
    {
        ["BACKUP_KEY"] = key,
        ["ENABLE_AUTHORIZATION"] = authorization ? "true" : "false",
    };

    [Fact]
    public async Task A_caller_the_policy_denies_backup_gets_403_and_no_archive()
    {
        using var host = new SecretsHostFactory(Settings(authorization: true), policies: EverythingButBackupAndRestore);
        var client = host.CreateClient();
        await (await client.PostJsonAsync("/api/secrets", new { uri = root + "/a", value = new { k = "v" } })).ShouldBeOkJsonAsync();
        var correlation = "denied-" + Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync(Archives.Backup, new { prefix = root + "/*" }, correlation);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        response.Headers.Contains("X-Backup-Paths").ShouldBeFalse();
        var record = (await client.AuditOfAsync(correlation)).ShouldHaveSingleItem();
        (record.Str("event_type"), record.Str("effect"), record.Str("purpose"), record.Str("error_code"))
            .ShouldBe(("AUTHZ_DENIED", "deny", "backup", "SECRET_AUTHZ_FAILED"), record.ToJsonString());
    }

    [Fact]
    public async Task A_caller_the_policy_denies_restore_gets_403_nothing_is_written_and_each_path_has_its_deny_record()
    {
        byte[] archive;
        string[] paths = [root + "/a", root + "/b"];
        using (var source = new SecretsHostFactory(Settings(authorization: false)))
        {
            var sourceClient = source.CreateClient();
            foreach (var path in paths)
                await (await sourceClient.PostJsonAsync("/api/secrets", new { uri = path, value = new { k = "v" } })).ShouldBeOkJsonAsync();
            archive = await sourceClient.BackupAsync(root + "/*");
        }
        using var host = new SecretsHostFactory(Settings(authorization: true), policies: EverythingButBackupAndRestore);
        var client = host.CreateClient();
        var correlation = "denied-" + Guid.NewGuid().ToString("N");

        foreach (var dryRun in new[] { true, false })
            await (await client.RestoreAsync(archive, dryRun, correlation)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");

        foreach (var path in paths)
            (await client.DetailAsync(path)).ShouldBeNull();
        var records = await client.AuditOfAsync(correlation);
        records.Count.ShouldBe(4);   // two paths, two requests
        records.ShouldAllBe(r => r.Str("event_type") == "AUTHZ_DENIED" && r.Str("purpose") == "restore" && r.Str("error_code") == "SECRET_AUTHZ_FAILED");
    }

    [Fact]
    public async Task With_scopes_enforced_backup_and_restore_need_secrets_admin()
    {
        using var host = new AuthenticatedHost(("SECRETS_ENFORCE_SCOPES", "true"), ("BACKUP_KEY", key));
        using var admin = host.ClientWithFreshTokens();
        await (await admin.PostJsonAsync("/api/secrets", new { uri = root + "/a", value = new { k = "v" } })).ShouldBeOkJsonAsync();
        var archive = await admin.BackupAsync(root + "/*");
        await (await admin.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q(root + "/a")}&destroy=true")).ShouldBeOkOrNoContentAsync();

        using var noAdmin = host.ClientWith(host.TokenWithout("secrets.admin"));
        await (await noAdmin.PostJsonAsync(Archives.Backup, new { prefix = root + "/*" })).ShouldBeScopeRefusalAsync("secrets.admin");
        var correlation = "no-admin-" + Guid.NewGuid().ToString("N");
        await (await noAdmin.RestoreAsync(archive, dryRun: false, correlation)).ShouldBeScopeRefusalAsync("secrets.admin");
        var refusal = (await host.AuditAsync("correlation_id=" + correlation)).ShouldHaveSingleItem();   // refused before the upload was read
        (refusal.Str("event_type"), refusal.Str("effect"), refusal.Str("purpose"), refusal.Str("error_code"))
            .ShouldBe(("AUTHZ_DENIED", "deny", "restore", "INSUFFICIENT_SCOPE"), refusal.ToJsonString());
        (await admin.DetailAsync(root + "/a")).ShouldBeNull();

        (await (await admin.RestoreAsync(archive, dryRun: false)).ActionsAsync()).Values.ShouldBe(["create"]);
        (await admin.DetailAsync(root + "/a")).ShouldNotBeNull();
    }
}

internal static class StatusAssertions
{
    public static async Task ShouldBeOkOrNoContentAsync(this HttpResponseMessage response) =>
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
}
