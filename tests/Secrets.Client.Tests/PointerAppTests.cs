using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Secrets.Testing;

namespace Secrets.Client.Tests;

/// <summary>The example application of docs/examples (PointerApp) against a running host: its key from a pointer, then a rotation reaching it.</summary>
public sealed class PointerAppTests : IAsyncDisposable
{
    private const string Payments = "openbao+kv2://secret/payments";
    private readonly SecretsHostFactory host = new();
    private WebApplication? app;

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
            await app.DisposeAsync();
        host.Dispose();
    }

    [Fact]
    public async Task The_app_reads_its_key_through_its_pointer_and_sees_a_rotation_within_its_reload_interval()
    {
        host.OnKestrel();
        host.StartServer();
        var secrets = new SecretsClient(new HttpClient { BaseAddress = host.ClientOptions.BaseAddress });
        await secrets.WriteAsync(Payments, JsonNode.Parse("""{"api_key":"pk-first"}""")!);
        app = PointerApp.Program.Build([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SECRETS_ADDR"] = host.ClientOptions.BaseAddress!.ToString(),
                ["Payments:ApiKey_POINTER"] = Payments + "#api_key",
                ["POINTER_RELOAD_S"] = "1",
            });
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var first = await FingerprintAsync(http);
        await secrets.RotateAsync(Payments + "#api_key", JsonValue.Create("pk-second"));
        var second = first;
        for (var i = 0; i < 100 && second == first; i++)
        {
            await Task.Delay(100);
            second = await FingerprintAsync(http);
        }

        first.ShouldBe(PointerApp.Program.Fingerprint("pk-first"));
        second.ShouldBe(PointerApp.Program.Fingerprint("pk-second"));
        Environment.GetEnvironmentVariable("Payments__ApiKey").ShouldBeNull();
    }

    private static async Task<string> FingerprintAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonNode>("/payments/key"))!["fingerprint"]!.GetValue<string>();
}
