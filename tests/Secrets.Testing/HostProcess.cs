using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Secrets.Testing;

/// <summary>
/// The host as a real process: <c>dotnet Secrets.Host.dll</c> from the test's own build output (the host and its
/// dependencies are copied there), configured only through its environment, on 127.0.0.1 and a port of its choosing.
/// <see cref="StartFrontAsync"/> starts build/front the same way. <see cref="KillAsync"/> ends it with SIGKILL, as a crash or the OOM killer would: no shutdown code runs.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private HostProcess(Process process) => this.process = process;

    /// <summary>Where the host listens (known once it said so).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int Id => process.Id;

    /// <summary>Everything it wrote to standard output and standard error so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    /// <summary>
    /// Starts the host with <paramref name="environment"/> over a test baseline (dev profile, the YAML provider on
    /// <paramref name="yamlPath"/>, the test tenant and salt, an embedded KVv2 server of its own, no rate limit), and
    /// waits until <c>/health/live</c> answers.
    /// </summary>
    public static async Task<HostProcess> StartAsync(string yamlPath, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = Dotnet(Dll("Secrets.Host.dll"));
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
            start.Environment.Remove(inherited);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ENVIRONMENT"] = "dev";
        start.Environment["YAML_VAULT_PATH"] = yamlPath;
        start.Environment["TENANT_ID"] = "t1";
        start.Environment["TENANT_SALT"] = SecretsHostFactory.TestSalt;
        start.Environment["TENANT_ALLOWED_MOUNTS"] = "secret,team";
        start.Environment["VAULT_DEV_ADDR"] = "http://127.0.0.1:0";
        start.Environment["RATE_LIMIT_PER_CLIENT_RPS"] = "0";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        return await LaunchAsync(start, timeout);
    }

    /// <summary>
    /// Starts the round-robin front of build/front (<c>Secrets.Front.dll</c>, in the test's build output when the test
    /// project references it) on <paramref name="listen"/> before <paramref name="backends"/>, and waits until
    /// <c>/health/live</c> answers through it.
    /// </summary>
    public static async Task<HostProcess> StartFrontAsync(Uri listen, IEnumerable<Uri> backends, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var start = Dotnet(Dll("Secrets.Front.dll"), "--urls", listen.GetLeftPart(UriPartial.Authority),
            "--backends", string.Join(',', backends.Select(b => b.GetLeftPart(UriPartial.Authority))));
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "FRONT_BACKENDS" })
            start.Environment.Remove(inherited);
        return await LaunchAsync(start, timeout);
    }

    private static ProcessStartInfo Dotnet(params string[] args) => new("dotnet", args)
    {
        WorkingDirectory = AppContext.BaseDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };

    private static string Dll(string name)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{name} is not in the test's build output", dll);
    }

    private static async Task<HostProcess> LaunchAsync(ProcessStartInfo start, TimeSpan? timeout)
    {
        var host = new HostProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        host.process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host.process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host.process.BeginOutputReadLine();
        host.process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilLiveAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    private async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Match listening;
        while (!(listening = ListeningOn().Match(Output)).Success)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the host did not start listening (exited: {process.HasExited}):\n{Output}");
            await Task.Delay(50);
        }
        BaseAddress = new Uri(listening.Groups[1].Value);
        using var client = CreateClient();
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the host did not answer /health/live on {BaseAddress}:\n{Output}");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
