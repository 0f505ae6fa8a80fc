using System.Diagnostics;
using System.IO.Compression;
using Secrets.Testing;

namespace Secrets.Cli.Tests;

/// <summary>
/// The tool ships as a dotnet tool: the project packs into a tool package whose command is <c>secrets</c>, which
/// <c>dotnet tool install</c> installs from that package alone and which then runs. (The single-file binary is made by
/// <c>build/publish.sh</c>; docs/CLI.md#install.)
/// </summary>
public sealed class PackagingTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-cli-pack", Guid.NewGuid().ToString("N"));

    public PackagingTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static async Task<(int Code, string Out)> DotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task The_project_packs_as_a_dotnet_tool_named_secrets_that_installs_and_runs()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<configuration>/net10.0
        var packages = Path.Combine(dir, "packages");

        var pack = await DotnetAsync(RepoPaths.Root, "pack", RepoPaths.Of("Secrets.Cli", "Secrets.Cli.csproj"), "-c", configuration, "--no-build",
            "-o", packages, "-p:Version=0.0.1-test");
        pack.Code.ShouldBe(0, pack.Out);
        var package = Path.Combine(packages, "Secrets.Cli.0.0.1-test.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            var settings = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            using var reader = new StreamReader(settings.Open());
            var xml = await reader.ReadToEndAsync();
            xml.ShouldContain("Name=\"secrets\"");
            xml.ShouldContain("EntryPoint=\"secrets.dll\"");
            zip.Entries.ShouldContain(e => e.FullName.EndsWith("/Secrets.Audit.Integrity.dll", StringComparison.Ordinal));
        }

        var tools = Path.Combine(dir, "tools");
        var install = await DotnetAsync(dir, "tool", "install", "Secrets.Cli", "--tool-path", tools, "--add-source", packages,
            "--version", "0.0.1-test", "--ignore-failed-sources");
        install.Code.ShouldBe(0, install.Out);
        var secrets = Path.Combine(tools, "secrets");
        File.Exists(secrets).ShouldBeTrue();

        using var process = Process.Start(new ProcessStartInfo(secrets, ["--help"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var help = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0);
        help.ShouldContain("verify-audit");
        help.ShouldContain("backup");
    }
}
