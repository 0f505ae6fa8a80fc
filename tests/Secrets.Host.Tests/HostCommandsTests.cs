using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Secrets.Testing;

namespace Secrets.Host.Tests;

/// <summary>
/// The host's commands (docs/AUDIT.md#tamper-evidence): hash-uri prints the resource_ref the service
/// writes; verify-audit checks an export. In process through the host's entry code, and as a process
/// that exits without starting the server.
/// </summary>
public sealed class HostCommandsTests : IDisposable
{
    private const string ApiKeyUri = "yaml://secret/env#MY_API_KEY";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-commands", Guid.NewGuid().ToString("N"));

    public HostCommandsTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static IConfiguration Settings(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private static async Task<(int Code, string Out, string Err)> RunAsync(IConfiguration config, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await HostCommands.RunAsync(args, config, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Hash_uri_prints_the_resource_ref_the_service_writes_for_the_uri()
    {
        using var host = new SecretsHostFactory();   // TENANT_ID t1, the test salt
        var client = host.CreateClient();
        using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/secrets/value?uri={HttpAssertions.Q(ApiKeyUri)}"))
        {
            read.Headers.Add("X-Correlation-ID", "hash-uri-1");
            (await client.SendAsync(read)).EnsureSuccessStatusCode();
        }
        var audit = await (await client.GetAsync("/api/secrets/audit?correlation_id=hash-uri-1")).ShouldBeOkJsonAsync();
        var written = audit["items"]![0]!["resource_ref"]!.GetValue<string>();

        var (code, output, error) = await RunAsync(Settings(("TENANT_ID", "t1"), ("TENANT_SALT", SecretsHostFactory.TestSalt)), "hash-uri", ApiKeyUri);

        error.ShouldBeEmpty();
        code.ShouldBe(0);
        output.ShouldBe(written + Environment.NewLine);
    }

    [Fact]
    public async Task Hash_uri_without_a_salt_exits_2_rather_than_print_a_ref_no_record_holds()
    {
        var (code, output, error) = await RunAsync(Settings(("TENANT_SALT", null)), "hash-uri", ApiKeyUri);

        code.ShouldBe(2);
        output.ShouldBeEmpty();
        error.ShouldContain("TENANT_SALT");
    }

    [Theory]
    [InlineData("yaml://secret/../env#k")]
    [InlineData("not-a-uri")]
    public async Task Hash_uri_of_a_uri_the_service_refuses_exits_2(string uri)
    {
        var (code, output, error) = await RunAsync(Settings(("TENANT_SALT", "s")), "hash-uri", uri);

        code.ShouldBe(2);
        output.ShouldBeEmpty();
        error.ShouldStartWith("hash-uri: ");
    }

    /// <summary>A chain made here from the documented rule alone (not the service's code): SHA-256 over each line as written.</summary>
    private static List<string> DocumentedChain(string node, int count)
    {
        static string Hash(string text) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var lines = new List<string>();
        var prev = Hash("secrets-platform/audit-chain/v1/" + node);
        for (var seq = 1; seq <= count; seq++)
        {
            var line = $$$"""{"specversion":"1.0","id":"{{{node}}}:{{{seq}}}","source":"urn:secrets-platform:audit:node:{{{node}}}","type":"secrets.audit.SECRET_READ","time":"2026-01-01T10:00:0{{{seq}}}Z","data":{"node_id":"{{{node}}}","seq":{{{seq}}},"prev_hash":"{{{prev}}}","event_type":"SECRET_READ","time":"2026-01-01T10:00:0{{{seq}}}Z"}}""";
            lines.Add(line);
            prev = Hash(line);
        }
        return lines;
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        return path;
    }

    [Fact]
    public async Task Verify_audit_accepts_a_chain_built_from_the_documented_bytes_and_names_a_deleted_event()
    {
        var keys = Write("keys.json", ["""{"keys":[]}"""]);
        var lines = DocumentedChain("gw-1.00000001", 4);
        var intact = Write("intact.ndjson", lines);
        lines.RemoveAt(1);
        var tampered = Write("tampered.ndjson", lines);

        var ok = await RunAsync(Settings(), "verify-audit", intact, "--keys", keys);
        var bad = await RunAsync(Settings(), "verify-audit", tampered, "--keys", keys);

        ok.Code.ShouldBe(0);
        ok.Out.ShouldContain($"{intact}: ok: 4 events, 0 checkpoints, 1 nodes");
        bad.Code.ShouldBe(1);
        bad.Out.ShouldContain($"{tampered}: gap node=gw-1.00000001 line=2 seq=2: seq 2 is missing before seq 3");
    }

    [Fact]
    public async Task Verify_audit_help_names_every_option_and_exits_0()
    {
        var help = await RunAsync(Settings(), "verify-audit", "--help");

        help.Code.ShouldBe(0);
        help.Out.ShouldStartWith("usage: verify-audit <file>...");
        foreach (var option in new[] { "--kafka", "--topic", "--keys", "--at", "--every", "--seconds", "KAFKA_SECURITY_PROTOCOL", "crud.secrets.audit" })
            help.Out.ShouldContain(option);
    }

    [Fact]
    public void Only_the_named_commands_are_commands()
    {
        HostCommands.IsCommand(["hash-uri", "x"]).ShouldBeTrue();
        HostCommands.IsCommand(["verify-audit"]).ShouldBeTrue();
        HostCommands.IsCommand([]).ShouldBeFalse();
        HostCommands.IsCommand(["--ENVIRONMENT=dev"]).ShouldBeFalse();
        HostCommands.IsCommand(["--urls", "http://127.0.0.1:0"]).ShouldBeFalse();
    }

    [Fact]
    public async Task As_a_process_the_commands_print_exit_and_never_start_the_server()
    {
        var lines = DocumentedChain("gw-1.00000001", 3);
        lines[1] = lines[1].Replace("SECRET_READ", "SECRET_WRITTEN", StringComparison.Ordinal);
        var export = Write("edited.ndjson", lines);
        var keys = Write("keys.json", ["""{"keys":[]}"""]);
        var expected = new Secrets.Shared.Kernel.TenantContext("t1", ["secret"], SecretsHostFactory.TestSalt).ResourceRef(ApiKeyUri);

        var hash = await RunProcessAsync("hash-uri", ApiKeyUri);
        var verify = await RunProcessAsync("verify-audit", export, "--keys", keys);

        hash.Code.ShouldBe(0, hash.Err);
        hash.Out.ShouldBe(expected + "\n");
        verify.Code.ShouldBe(1, verify.Err);
        verify.Out.ShouldContain("edited node=gw-1.00000001 line=2 seq=2");
        (hash.Out + hash.Err + verify.Out + verify.Err).ShouldNotContain("Now listening");
    }

    [Fact]
    public async Task As_a_process_backup_and_restore_talk_to_a_started_host_and_exit_with_its_answer()
    {
        var yaml = Path.Combine(dir, "secrets.yaml");
        await File.WriteAllTextAsync(yaml, SecretsHostFactory.SampleYaml);
        await using var service = await HostProcess.StartAsync(yaml, new Dictionary<string, string?>
        {
            ["BACKUP_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        var server = service.BaseAddress.ToString();
        var archive = Path.Combine(dir, "yaml.spbak");

        var help = await RunProcessAsync("backup", "--help");
        var backup = await RunProcessAsync("backup", "--prefix", "yaml://secret/*", "--out", archive, "--server", server);
        var dryRun = await RunProcessAsync("restore", "--in", archive, "--dry-run", "--server", server);
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[^5] ^= 1;
        await File.WriteAllBytesAsync(archive, bytes);
        var tampered = await RunProcessAsync("restore", "--in", archive, "--server", server);

        help.Code.ShouldBe(0, help.Err);
        help.Out.ShouldContain("--prefix");
        backup.Code.ShouldBe(0, backup.Err);
        backup.Out.ShouldContain("backup: 2 paths under yaml://secret/*");   // piped: plain lines, no progress bar
        backup.Out.ShouldContain($"backup: 2 paths, {new FileInfo(archive).Length} bytes to {archive}");
        dryRun.Code.ShouldBe(0, dryRun.Err);
        dryRun.Out.ShouldContain("unchanged yaml://secret/env");
        dryRun.Out.ShouldContain("restore (dry run): 2 paths: 0 create, 0 update, 2 unchanged, 0 failed");
        tampered.Code.ShouldBe(2);   // the secrets tool's exit code of a 400 (docs/CLI.md#exit-codes)
        tampered.Err.ShouldContain("error: BACKUP_ARCHIVE_INVALID (400)");
        var printed = help.Out + help.Err + backup.Out + backup.Err + dryRun.Out + dryRun.Err + tampered.Out + tampered.Err;
        printed.ShouldNotContain("Now listening");
        printed.ShouldNotContain("dev-api-key");
        printed.ShouldNotContain("db-password");
    }

    [Fact]
    public async Task As_a_process_help_prints_the_usage_and_a_refused_start_exits_78_with_the_reason_and_no_stack_trace()
    {
        var help = await RunProcessAsync("--help");
        var refused = await RunProcessAsync(new Dictionary<string, string> { ["ENVIRONMENT"] = "prod", ["TENANT_SALT"] = "" });

        (help.Code, help.Err).ShouldBe((0, ""));
        help.Out.ShouldContain("usage: Secrets.Host [--KEY=value ...]");
        help.Out.ShouldNotContain("Now listening");
        refused.Code.ShouldBe(78);
        refused.Err.ShouldContain("Secrets.Host: refused to start: ENVIRONMENT=prod requires TENANT_SALT");
        refused.Err.ShouldNotContain("Unhandled exception");
        refused.Err.ShouldNotContain("   at ");
    }

    private static Task<(int Code, string Out, string Err)> RunProcessAsync(params string[] args) =>
        RunProcessAsync(new Dictionary<string, string>(), args);

    private static async Task<(int Code, string Out, string Err)> RunProcessAsync(Dictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(RepoPaths.Root, "Secrets.Host"), "--no-build", "--no-launch-profile", "--", .. args])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ENVIRONMENT"] = "test";
        start.Environment["TENANT_ID"] = "t1";
        start.Environment["TENANT_SALT"] = SecretsHostFactory.TestSalt;
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await output, await error);
    }
}
