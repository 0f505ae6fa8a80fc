using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Secrets.Testing;

namespace Secrets.Host.Tests;

/// <summary>
/// The host's backup and restore commands (docs/BACKUP.md#host-commands), which are the secrets tool's, against a started
/// host on a real socket: a backup to a file, a dry run, a restore after a wipe; refusals exit with the tool's exit code of
/// the problem and its code; nothing printed holds a value.
/// </summary>
public sealed class ArchiveCommandsTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-archive-commands", Guid.NewGuid().ToString("N"));
    private readonly SecretsHostFactory host;
    private readonly HttpClient client;
    private readonly IConfiguration config;
    private readonly string root = "openbao+kv2://secret/cmd-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string canary = "canary-7f3e" + Guid.NewGuid().ToString("N")[..12];

    public ArchiveCommandsTests()
    {
        Directory.CreateDirectory(dir);
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["BACKUP_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        }).OnKestrel();
        host.StartServer();
        client = host.CreateClient();
        config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SECRETS_ADDR"] = host.ClientOptions.BaseAddress.ToString(),
        }).Build();
    }

    public void Dispose()
    {
        host.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await HostCommands.RunAsync(args, config, output, error);
        var (o, e) = (output.ToString(), error.ToString());
        o.ShouldNotContain(canary);
        e.ShouldNotContain(canary);
        return (code, o, e);
    }

    private async Task SeedAsync()
    {
        foreach (var name in new[] { "a", "b/c" })
        {
            for (var i = 1; i <= 2; i++)
                (await client.PostAsJsonAsync("/api/secrets", new { uri = $"{root}/{name}", value = new { k = $"{canary}-{i}" } })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Backup_to_a_file_then_dry_run_then_restore_after_a_wipe_bring_every_path_back()
    {
        await SeedAsync();
        var archive = Path.Combine(dir, "secrets.spbak");

        var (code, output, error) = await RunAsync("backup", "--prefix", root + "/*", "--out", archive);

        (code, error).ShouldBe((0, ""));
        output.ShouldContain($"backup: 2 paths under {root}/*");
        output.ShouldContain($"backup: 2 paths, {new FileInfo(archive).Length} bytes to {archive}");
        File.Exists(archive).ShouldBeTrue();
        File.Exists(archive + ".partial").ShouldBeFalse();
        File.ReadAllText(archive).ShouldNotContain(canary);

        (code, output, error) = await RunAsync("restore", "--in", archive, "--dry-run");
        (code, error).ShouldBe((0, ""));
        output.ShouldContain($"unchanged {root}/a");
        output.ShouldContain($"unchanged {root}/b/c");
        output.ShouldContain("restore (dry run): 2 paths: 0 create, 0 update, 2 unchanged, 0 failed");

        foreach (var name in new[] { "a", "b/c" })
            (await client.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q($"{root}/{name}")}&destroy=true")).EnsureSuccessStatusCode();

        (code, output, error) = await RunAsync("restore", "--in", archive);
        (code, error).ShouldBe((0, ""));
        output.ShouldContain($"create {root}/a");
        output.ShouldContain("restore: 2 paths: 2 create, 0 update, 0 unchanged, 0 failed");
        var read = await (await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(root + "/b/c")}")).ShouldBeOkJsonAsync();
        read["value"]!["k"]!.GetValue<string>().ShouldBe($"{canary}-2");
        read["version"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task A_tampered_archive_exits_2_with_BACKUP_ARCHIVE_INVALID_and_a_refused_backup_with_its_code()
    {
        await SeedAsync();
        var archive = Path.Combine(dir, "secrets.spbak");
        (await RunAsync("backup", "--prefix", root + "/*", "--out", archive)).Code.ShouldBe(0);
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[^20] ^= 1;
        var tampered = Path.Combine(dir, "tampered.spbak");
        await File.WriteAllBytesAsync(tampered, bytes);

        var (code, _, error) = await RunAsync("restore", "--in", tampered);
        code.ShouldBe(2);
        error.ShouldContain("error: BACKUP_ARCHIVE_INVALID (400)");

        (code, _, error) = await RunAsync("backup", "--prefix", "openbao+kv2://other/*", "--out", Path.Combine(dir, "refused.spbak"));
        code.ShouldBe(2);
        error.ShouldContain("error: TENANT_MOUNT_MISMATCH (400)");
        File.Exists(Path.Combine(dir, "refused.spbak")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("restore")]
    public async Task Help_exits_0_with_the_usage_and_missing_arguments_exit_2(string command)
    {
        var (code, output, _) = await RunAsync(command, "--help");
        code.ShouldBe(0);
        output.ShouldContain(command == "backup" ? "--prefix" : "--dry-run");

        (code, _, var error) = await RunAsync(command, "--bogus");
        code.ShouldBe(2);
        error.ShouldContain("--bogus");
        (code, _, error) = await RunAsync(command);
        code.ShouldBe(2);
        error.ShouldContain(command == "backup" ? "--prefix" : "--in");
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_exits_9()
    {
        var unreachable = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SECRETS_ADDR"] = $"http://127.0.0.1:{LoopbackPorts.Unused()}",
        }).Build();
        var error = new StringWriter();

        var code = await HostCommands.RunAsync(["backup", "--prefix", root + "/*", "--out", Path.Combine(dir, "x.spbak")], unreachable, new StringWriter(), error);

        code.ShouldBe(9);
        error.ToString().ShouldContain("cannot be reached");
    }
}
