using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Secrets.Client.Configuration;

namespace PointerApp;

/// <summary>
/// An application that takes its payments API key from the Secrets Platform: its environment holds only the pointer
/// (<c>Payments__ApiKey_POINTER=openbao+kv2://secret/payments#api_key</c>) and the service's address
/// (<c>SECRETS_ADDR</c>); <c>AddSecretPointers</c> reads the key at startup and again every <c>POINTER_RELOAD_S</c>
/// seconds, and <see cref="IOptionsMonitor{TOptions}"/> hands the current one to each request. It shows a fingerprint
/// of the key, never the key.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args) => await Build(args).RunAsync();

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var reload = int.TryParse(builder.Configuration["POINTER_RELOAD_S"], out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5);
        builder.Configuration.AddSecretPointers(o => o.ReloadInterval = reload);
        builder.Services.Configure<PaymentsOptions>(builder.Configuration.GetSection("Payments"));
        var app = builder.Build();
        app.MapGet("/payments/key", (IOptionsMonitor<PaymentsOptions> payments) => Results.Ok(new { fingerprint = Fingerprint(payments.CurrentValue.ApiKey) }));
        return app;
    }

    /// <summary>The first 8 hex digits of the key's SHA-256: enough to tell keys apart, nothing to use.</summary>
    public static string Fingerprint(string? key) =>
        key is null ? "none" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
}

public sealed class PaymentsOptions
{
    public string? ApiKey { get; set; }
}
