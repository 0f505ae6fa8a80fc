using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Faults;

/// <summary>
/// An open-loop load at a fixed rate: one GET every 1/rate seconds whatever the answers take, until the stop file
/// appears. Every request carries its own correlation id and every outcome is one CSV line: id, start and end
/// (Unix ms), latency, status (0: no answer within the client timeout or a connection error), the problem
/// <c>code</c>, whether a secret value came back, and <c>Retry-After</c>.
/// </summary>
internal static class LoadRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var url, var rateText, var stopFile, var outFile, .. var rest])
            return 2;
        var rate = double.Parse(rateText, CultureInfo.InvariantCulture);
        var clientTimeout = TimeSpan.FromSeconds(rest is [var t] ? double.Parse(t, CultureInfo.InvariantCulture) : 60);
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = clientTimeout };
        var run = Guid.NewGuid().ToString("N")[..8];
        var lines = new List<string>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / rate);
        for (long seq = 0; !File.Exists(stopFile); seq++)
        {
            var due = interval * seq;
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed);
            var id = $"flt-{run}-{seq}";
            inFlight.Add(OneAsync(client, url, id, lines));
            if (inFlight.Count > 1000)
                inFlight.RemoveAll(task => task.IsCompleted);
        }
        await Task.WhenAll(inFlight);
        lock (lines)
            File.WriteAllLines(outFile, ["id,start_ms,end_ms,latency_ms,status,code,value,retry_after", .. lines]);
        Console.WriteLine($"load: {lines.Count} requests");
        return 0;
    }

    private static async Task OneAsync(HttpClient client, string url, string id, List<string> lines)
    {
        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        int status = 0;
        string code = "", retryAfter = "";
        var value = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("X-Correlation-ID", id);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
            retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(CultureInfo.InvariantCulture) ?? "";
            (code, value) = Read(body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            code = e is TaskCanceledException ? "CLIENT_TIMEOUT" : "CONNECTION_ERROR";
        }
        var line = string.Join(',', id, start.ToUnixTimeMilliseconds(), (start + clock.Elapsed).ToUnixTimeMilliseconds(),
            clock.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture), status, code, value ? 1 : 0, retryAfter);
        lock (lines)
            lines.Add(line);
    }

    /// <summary>The problem's <c>code</c> and whether the body holds a <c>value</c>; an unreadable body has neither.</summary>
    private static (string Code, bool Value) Read(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return ("", false);
            var code = json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            return (Sanitize(code), json.RootElement.TryGetProperty("value", out _));
        }
        catch (JsonException)
        {
            return ("", false);
        }
    }

    private static string Sanitize(string code)
    {
        var text = new StringBuilder(code.Length);
        foreach (var ch in code)
            text.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '?');
        return text.ToString();
    }
}
