using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;

namespace Secrets.Client.Configuration;

/// <summary>
/// Reads the pointers' secrets through a <see cref="SecretsClient"/> of its own (the same handlers as
/// <c>AddSecretsClient</c>): at load, then on <see cref="SecretPointerOptions.ReloadInterval"/> or when the service's
/// event stream reports a change; a reload that finds new values raises the configuration's change token, so
/// <c>IOptionsMonitor</c> sees them. A failed reload keeps the values it had.
/// </summary>
internal sealed class SecretPointerProvider : ConfigurationProvider, IDisposable
{
    private readonly List<(string Key, string Target, string Uri)> pointers;
    private readonly SecretPointerOptions options;
    private readonly HttpClient http;
    private readonly SecretsClient client;
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim reading = new(1, 1);
    private ITimer? timer;

    public SecretPointerProvider(IConfiguration earlier, SecretPointerOptions options)
    {
        this.options = options;
        pointers = earlier.AsEnumerable()
            .Where(p => p.Value is { } v && v.Contains("://", StringComparison.Ordinal) && SecretPointers.TargetOf(p.Key) is not null)
            .Select(p => (p.Key, SecretPointers.TargetOf(p.Key)!, p.Value!.Trim()))
            .ToList();
        var address = options.BaseAddress ?? (earlier["SECRETS_ADDR"] is { Length: > 0 } a ? new Uri(a) : null);
        if (address is null && pointers.Count > 0)
            throw new InvalidOperationException($"configuration key {pointers[0].Key} points to a secret, but no service is configured: set SECRETS_ADDR");
        http = SecretsClientServiceCollectionExtensions.CreateHttpClient(new SecretsClientOptions
        {
            BaseAddress = address ?? new Uri("http://localhost"),
            TokenSource = options.TokenSource ?? new StaticTokenSource(earlier["SECRETS_TOKEN"] is { Length: > 0 } t ? t : null),
            DpopKey = options.DpopKey,
            ClientCertificate = options.ClientCertificate,
        }, options.Handler);
        client = new SecretsClient(http);
    }

    public override void Load()
    {
        Data = ReadAllAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (pointers.Count == 0)
            return;
        if (options.ReloadInterval is { } every && timer is null)
            timer = options.Time.CreateTimer(_ => _ = ReloadAsync(), null, every, every);
        if (options.ReloadOnChange)
            _ = FollowChangesAsync(stopping.Token);
    }

    /// <summary>Reads every pointer again; new values replace the old and raise the change token. Failures keep the old values.</summary>
    internal async Task<bool> ReloadAsync()
    {
        if (!await reading.WaitAsync(0))
            return false;
        try
        {
            var fresh = await ReadAllAsync(stopping.Token);
            if (fresh.Count == Data.Count && fresh.All(p => Data.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal)))
                return false;
            Data = fresh;
            OnReload();
            return true;
        }
        catch (Exception ex) when (ex is SecretsApiException or HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return false;   // keep the values it had; the next reload tries again
        }
        finally
        {
            reading.Release();
        }
    }

    private async Task<Dictionary<string, string?>> ReadAllAsync(CancellationToken ct)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, target, uri) in pointers)
        {
            JsonNode? value;
            try
            {
                value = (await client.ReadAsync(uri, null, ct)).Value;
            }
            catch (SecretsApiException problem)
            {
                throw new InvalidOperationException($"configuration key {key} points to a secret that cannot be read: {problem.Code}", problem);
            }
            catch (HttpRequestException ex)
            {
                throw new InvalidOperationException($"configuration key {key} points to a secret, but the service cannot be reached", ex);
            }
            Set(data, target, value);
        }
        return data;
    }

    /// <summary>A string or scalar under the key; a map as one entry per key below it.</summary>
    private static void Set(Dictionary<string, string?> data, string target, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject map:
                foreach (var (name, inner) in map)
                    Set(data, target + ConfigurationPath.KeyDelimiter + name, inner);
                break;
            case JsonValue scalar when scalar.TryGetValue<string>(out var text):
                data[target] = text;
                break;
            default:
                data[target] = value?.ToJsonString();
                break;
        }
    }

    /// <summary>Reads the pointers again whenever the event stream reports a change; reconnects after a pause when it ends.</summary>
    private async Task FollowChangesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in client.EventsAsync(ct))
                {
                    if (Changes(change.Type))
                        await ReloadAsync();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or SecretsApiException)
            {
                // the stream ended or cannot be opened: try again after a pause
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), options.Time, ct);
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The event types after which a pointer's secret may read differently.</summary>
    private static bool Changes(string eventType) => eventType is "SECRET_WRITTEN" or "SECRET_ROTATED" or "SECRET_DELETED" or "SECRET_UNDELETED"
        or "SECRET_DESTROYED" or "SECRET_MOVED" or "SECRET_COPIED" or "SECRET_RESTORED";

    public void Dispose()
    {
        stopping.Cancel();
        timer?.Dispose();
        http.Dispose();
        stopping.Dispose();
        reading.Dispose();
    }
}
