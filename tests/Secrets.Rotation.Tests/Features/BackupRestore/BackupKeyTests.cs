using System.Net;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BackupRestore;

/// <summary>
/// The backup key (docs/BACKUP.md#key): <c>BACKUP_KEY</c>, or a pointer read through the Providers module as the
/// service itself; none is a 503 that names both settings; a malformed one stops the start, naming the setting and
/// never the value.
/// </summary>
public sealed class BackupKeyTests
{
    [Fact]
    public async Task Without_a_key_backup_and_restore_are_503_BACKUP_KEY_UNAVAILABLE()
    {
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();

        var backup = await (await client.PostJsonAsync(Archives.Backup, new { prefix = "openbao+kv2://secret/*" }))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "BACKUP_KEY_UNAVAILABLE");
        await (await client.RestoreAsync([1, 2, 3], dryRun: true)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "BACKUP_KEY_UNAVAILABLE");

        backup["detail"]!.GetValue<string>().ShouldContain("BACKUP_KEY_POINTER");
    }

    [Theory]
    [InlineData("BACKUP_KEY", "canary-5f1c-not-base64")]
    [InlineData("BACKUP_KEY", "Y2FuYXJ5LTVmMWMtc2hvcnQ=")]   // base64 of 16 bytes
    [InlineData("BACKUP_KEY_POINTER", "yaml://secret/canary-5f1c-no-fragment")]
    public void A_malformed_key_setting_stops_the_start_naming_the_setting_not_the_value(string setting, string value)
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { [setting] = value });

        var refused = Should.Throw<Exception>(() => host.CreateClient());

        refused.ToString().ShouldContain(setting);
        refused.ToString().ShouldNotContain(value);
    }

    [Fact]
    public async Task A_key_behind_BACKUP_KEY_POINTER_opens_what_the_same_key_given_as_BACKUP_KEY_made()
    {
        var key = Archives.NewKey();
        byte[] archive;
        using (var direct = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = key }))
            archive = await direct.CreateClient().BackupAsync("yaml://secret/*");

        using var pointed = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY_POINTER"] = "yaml://secret/backup#key" },
            $"secret:\n  backup:\n    key: \"{key}\"\n");
        var client = pointed.CreateClient();

        var body = await (await client.RestoreAsync(archive, dryRun: true)).ShouldBeOkJsonAsync();
        body["failed"]!.GetValue<int>().ShouldBe(0, body.ToJsonString());
        body["paths"]!.GetValue<int>().ShouldBe(2);
        pointed.Logs.AllText().ShouldNotContain(key);
    }
}
