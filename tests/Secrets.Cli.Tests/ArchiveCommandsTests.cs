using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Cli.Tests;

/// <summary><c>secrets backup</c> and <c>secrets restore</c> against a running host with a backup key.</summary>
public sealed class ArchiveCommandsTests : IDisposable
{
    private readonly SecretsHostFactory host = new(new Dictionary<string, string?>
    {
        ["BACKUP_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    });

    public void Dispose() => host.Dispose();

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(host, args);

    [Fact]
    public async Task Backup_to_a_file_then_restore_after_a_destroy_brings_every_path_back()
    {
        await Run("put", "openbao+kv2://secret/cli-bak/a", "k=canary-bak-1");
        await Run("put", "openbao+kv2://secret/cli-bak/a", "k=v2");
        await Run("put", "openbao+kv2://secret/cli-bak/b", "k=b1");
        var file = Path.Combine(host.Directory, "cli.spbak");

        var backup = await Run("backup", "--prefix", "openbao+kv2://secret/cli-bak/*", "--out", file);
        (await Run("delete", "openbao+kv2://secret/cli-bak/a", "--destroy")).ExitCode.ShouldBe(0);
        var dry = await Run("restore", "--in", file, "--dry-run", "-o", "json");
        var restore = await Run("restore", "--in", file);

        (backup.ExitCode, backup.Error).ShouldBe((0, ""));
        backup.Out.ShouldContain("backup: 2 paths");
        File.Exists(file).ShouldBeTrue();
        File.Exists(file + ".partial").ShouldBeFalse();
        var report = JsonNode.Parse(dry.Out)!;
        (report["dryRun"]!.GetValue<bool>(), report["created"]!.GetValue<int>(), report["unchanged"]!.GetValue<int>()).ShouldBe((true, 1, 1));
        restore.ExitCode.ShouldBe(0);
        restore.Out.ShouldContain("1 create, 0 update, 1 unchanged, 0 failed");
        (await Run("get", "openbao+kv2://secret/cli-bak/a#k")).Out.ShouldBe("v2\n");
        (await Run("get", "openbao+kv2://secret/cli-bak/a#k", "--version", "1")).Out.ShouldBe("canary-bak-1\n");
        new[] { backup, dry, restore }.ShouldAllBe(r => !r.Out.Contains("canary-bak-1") && !r.Error.Contains("canary-bak-1"));
    }

    [Fact]
    public async Task A_tampered_archive_is_refused_with_its_code_and_nothing_changes()
    {
        await Run("put", "openbao+kv2://secret/cli-bak/a", "k=v1");
        var file = Path.Combine(host.Directory, "tampered.spbak");
        await Run("backup", "--prefix", "openbao+kv2://secret/cli-bak/*", "--out", file);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^5] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        (await Run("delete", "openbao+kv2://secret/cli-bak/a", "--destroy")).ExitCode.ShouldBe(0);

        var restore = await Run("restore", "--in", file);

        restore.ExitCode.ShouldBe(ExitCodes.Usage);
        restore.Error.ShouldContain("BACKUP_ARCHIVE_INVALID (400)");
        (await Run("get", "openbao+kv2://secret/cli-bak/a")).ExitCode.ShouldBe(ExitCodes.NotFound);
    }

    [Fact]
    public async Task A_missing_archive_file_is_a_usage_error()
    {
        var restore = await Run("restore", "--in", Path.Combine(host.Directory, "none.spbak"));

        restore.ExitCode.ShouldBe(ExitCodes.Usage);
        restore.Error.ShouldContain("no such file");
    }
}
