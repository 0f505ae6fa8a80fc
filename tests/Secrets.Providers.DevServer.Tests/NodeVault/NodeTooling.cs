using System.ComponentModel;
using System.Diagnostics;

namespace Secrets.Providers.DevServer.Tests.NodeVault;

/// <summary>
/// Node.js and the npm package <c>node-vault</c> for the tests that drive the dev server through it. Whatever is
/// missing is installed, never skipped: Node.js and npm with apt-get (Debian's <c>nodejs</c> and <c>npm</c>), the
/// package with <c>npm install</c> into a cache directory under the system's temp directory, once per machine
/// (installed to a staging directory and moved into place, so concurrent runs never see half an install).
/// </summary>
internal static class NodeTooling
{
    /// <summary>The node-vault release the tests are written against.</summary>
    public const string NodeVaultVersion = "0.12.0";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The <c>node_modules</c> directory that holds node-vault, installing Node.js and the package when missing.</summary>
    public static async Task<string> NodeVaultModulesAsync()
    {
        await EnsureNodeAsync();
        var root = Path.Combine(Path.GetTempPath(), "secrets-tests-npm");
        var home = Path.Combine(root, "node-vault-" + NodeVaultVersion);
        var modules = Path.Combine(home, "node_modules");
        var marker = Path.Combine(modules, "node-vault", "package.json");
        if (File.Exists(marker))
            return modules;

        Directory.CreateDirectory(root);
        var staging = home + ".staging-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        var install = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", staging, "node-vault@" + NodeVaultVersion], null, InstallTimeout);
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"npm install node-vault@{NodeVaultVersion} failed ({install.ExitCode}): {install.StandardError}");
        try
        {
            Directory.Move(staging, home);
        }
        catch (IOException) when (File.Exists(marker))
        {
            Directory.Delete(staging, recursive: true);   // another run got there first
        }
        return modules;
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>; its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} ran longer than {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task EnsureNodeAsync()
    {
        if (await StartsAsync("node") && await StartsAsync("npm"))
            return;
        foreach (var command in (string[][])[["update"], ["install", "-y", "--no-install-recommends", "nodejs", "npm"]])
        {
            var apt = await RunAsync("apt-get", command, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, InstallTimeout);
            if (apt.ExitCode != 0)
                throw new InvalidOperationException($"apt-get {string.Join(' ', command)} failed ({apt.ExitCode}): {apt.StandardError}");
        }
    }

    private static async Task<bool> StartsAsync(string file)
    {
        try
        {
            return (await RunAsync(file, ["--version"], null, TimeSpan.FromMinutes(1))).ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;   // not installed
        }
    }
}
