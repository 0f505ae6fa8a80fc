using System.Diagnostics;
using System.Net;
using Secrets.Testing;

namespace Secrets.Host.Tests;

/// <summary>The README's run command, as a real process on the default URL (http://localhost:9100).</summary>
public sealed class ProcessStartTests
{
    [Fact]
    public async Task Dotnet_run_serves_health_and_a_yaml_secret_on_the_default_url_in_the_dev_profile()
    {
        var root = RepoPaths.Root;
        var dir = Path.Combine(Path.GetTempPath(), "secrets-process", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var yaml = Path.Combine(dir, "secrets.yaml");
        await File.WriteAllTextAsync(yaml, SecretsHostFactory.SampleYaml);

        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(root, "Secrets.Host"), "--no-build"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        start.Environment.Remove("ENVIRONMENT");                       // the README's command runs the dev profile …
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";    // … even where the machine marks everything production (launch settings)
        start.Environment.Remove("TENANT_SALT");
        start.Environment["YAML_VAULT_PATH"] = yaml;
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri("http://localhost:9100"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            HttpResponseMessage? live = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    live = await http.GetAsync("/health/live");
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250);
                }
            }
            live.ShouldNotBeNull($"the host did not answer on http://localhost:9100:\n{output}");
            live.StatusCode.ShouldBe(HttpStatusCode.OK);
            var read = await (await http.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY")).ShouldBeOkJsonAsync();
            read["value"]!.GetValue<string>().ShouldBe("dev-api-key");
            var write = await http.PostAsync("/api/secrets", new StringContent("""{"uri":"yaml://secret/p#k","value":"v"}""", System.Text.Encoding.UTF8, "application/json"));
            write.StatusCode.ShouldBe(HttpStatusCode.OK);   // dev profile: the YAML provider takes writes
            lock (output)
                output.ToString().ShouldContain("Hosting environment: dev");   // the profile's own name, not ASP.NET Core's
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
