using System.Diagnostics;

namespace Secrets.Testing;

/// <summary>
/// Programs from Debian's packages that a test drives (tmux, redis-server, …): present on the machine, or installed
/// with apt-get on first use, so a clean machine passes. Installs run one at a time across test processes.
/// </summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The full path of <paramref name="program"/>, installing <paramref name="package"/> first when it is missing.</summary>
    public static async Task<string> EnsureAsync(string program, string package)
    {
        if (Find(program) is { } found)
            return found;
        await Gate.WaitAsync();
        try
        {
            using var machineWide = await LockFileAsync();
            if (Find(program) is { } raced)
                return raced;
            if (await AptGetAsync("install", "-y", "--no-install-recommends", package) != 0)
            {
                await AptGetAsync("update");
                await AptGetAsync("install", "-y", "--no-install-recommends", package);
            }
            return Find(program) ?? throw new InvalidOperationException($"{program} is not on PATH and apt-get could not install the Debian package {package}");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary><see cref="EnsureAsync"/> for a constructor.</summary>
    public static string Ensure(string program, string package) => EnsureAsync(program, package).GetAwaiter().GetResult();

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static async Task<int> AptGetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("apt-get", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }

    /// <summary>apt's own lock refuses a second apt-get at once: test processes take turns on a file of their own.</summary>
    private static async Task<FileStream> LockFileAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "secrets-tests-apt.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }
}
