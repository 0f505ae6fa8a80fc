using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>
/// Runs cases of the KV v2 table against a server over HTTP with a root token. With <c>mount</c> "secret" a case runs
/// as written (a fresh server per case); with another mount (see <see cref="EnableMountAsync"/>) the case's
/// <c>secret/</c> becomes that mount in paths and expectations, so every case gets a fresh mount of a shared server.
/// </summary>
public sealed class Kv2CaseRunner(HttpClient http, string token)
{
    private const string TableMount = "secret";

    /// <summary>Every expectation of <paramref name="kvCase"/> that the server did not meet, one line each; empty when it met them all.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(Kv2Case kvCase, string mount = TableMount)
    {
        var (failures, given) = await RunGivenAsync(kvCase, mount);
        if (failures.Count > 0)
            return failures;
        var checks = new List<string>();
        await CheckAsync("request", kvCase.Request, mount, given, checks);
        checks.AddRange(await CheckThenAsync(kvCase, mount, given));
        return checks;
    }

    /// <summary>
    /// The case's <c>given</c> requests, in order, with their replies (for <c>given[i].…</c>); a failure for each that
    /// did not answer as it says. Another client may then send the request under test (see <see cref="CheckThenAsync"/>).
    /// </summary>
    public async Task<(IReadOnlyList<string> Failures, IReadOnlyList<Kv2Reply> Given)> RunGivenAsync(Kv2Case kvCase, string mount = TableMount)
    {
        ArgumentNullException.ThrowIfNull(kvCase);
        var failures = new List<string>();
        var given = new List<Kv2Reply>();
        for (var i = 0; i < kvCase.Given.Count; i++)
        {
            var step = kvCase.Given[i];
            var reply = await SendAsync(step, mount);
            given.Add(reply);
            var wanted = step.ExpectStatus;
            if (wanted is { } status ? reply.Status != status : reply.Status is < 200 or > 299)
                failures.Add($"given[{i}] {Describe(step, reply)}: expected {(wanted is null ? "2xx" : wanted.ToString())}");
        }
        return (failures, given);
    }

    /// <summary>The case's <c>then</c> follow-ups, each checked against its expectation: what the request under test left behind.</summary>
    public async Task<IReadOnlyList<string>> CheckThenAsync(Kv2Case kvCase, string mount, IReadOnlyList<Kv2Reply> given)
    {
        ArgumentNullException.ThrowIfNull(kvCase);
        var failures = new List<string>();
        for (var i = 0; i < kvCase.Then.Count; i++)
            await CheckAsync($"then[{i}]", kvCase.Then[i], mount, given, failures);
        return failures;
    }

    /// <summary><paramref name="path"/> (a table path, <c>/v1/secret/…</c>) on <paramref name="mount"/>.</summary>
    public static string OnMount(string path, string mount) => RewritePath(path, mount);

    /// <summary>An expectation of the table's <c>secret/</c> mount, for <paramref name="mount"/>.</summary>
    public static JsonObject OnMount(JsonObject expect, string mount) => Rewrite(expect, mount);

    private async Task CheckAsync(string where, Kv2Step step, string mount, IReadOnlyList<Kv2Reply> given, List<string> failures)
    {
        var reply = await SendAsync(step, mount);
        var expect = step.Expect ?? throw new InvalidDataException($"{where} has no expect");
        foreach (var failure in Kv2Expectations.Check(Rewrite(expect, mount), reply, given))
            failures.Add($"{where} {failure} — {Describe(step, reply)}");
    }

    /// <summary>Runs one case on a mount enabled for it and disabled afterwards (a server shared by many cases); its failures.</summary>
    public async Task<IReadOnlyList<string>> RunOnFreshMountAsync(Kv2Case kvCase)
    {
        var mount = await EnableMountAsync();
        try
        {
            return await RunAsync(kvCase, mount);
        }
        finally
        {
            await DisableMountAsync(mount);
        }
    }

    /// <summary>Enables a fresh KV v2 mount (as <c>bao server -dev</c> describes <c>secret/</c>) and waits until it serves.</summary>
    public async Task<string> EnableMountAsync()
    {
        var mount = "c" + Guid.NewGuid().ToString("N")[..12];
        using (var enable = Request(HttpMethod.Post, $"v1/sys/mounts/{mount}",
                   """{"type":"kv","options":{"version":"2"},"description":"key/value secret storage"}""", "application/json"))
        using (var response = await http.SendAsync(enable))
        {
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"enabling a KV v2 mount failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        // a real server upgrades a new mount to versioned data before it serves it (kv/upgrade.go)
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var probe = Request(HttpMethod.Get, $"v1/{mount}/config", null, null);
            using var response = await http.SendAsync(probe);
            if (response.IsSuccessStatusCode)
                return mount;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the KV v2 mount {mount} did not come up");
    }

    public async Task DisableMountAsync(string mount)
    {
        using var disable = Request(HttpMethod.Delete, $"v1/sys/mounts/{mount}", null, null);
        using var response = await http.SendAsync(disable);
    }

    private async Task<Kv2Reply> SendAsync(Kv2Step step, string mount)
    {
        var path = RewritePath(step.Path, mount).TrimStart('/');
        if (step.Query.Count > 0)
            path += "?" + string.Join('&', step.Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        string? body = null;
        string? contentType = null;
        if (step.HasBody)
        {
            body = step.BodyRaw ?? (step.Body is null ? "null" : step.Body.ToJsonString());
            contentType = step.Headers.TryGetValue("Content-Type", out var given) ? given
                : step.Method == "PATCH" ? "application/merge-patch+json" : "application/json";
        }
        using var request = Request(new HttpMethod(step.Method), path, body, contentType);
        var sentAt = DateTimeOffset.UtcNow;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // not JSON: the checks on members fail and show the body
            }
        }
        return new Kv2Reply((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, json, sentAt);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? body, string? contentType)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Vault-Token", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }
        return request;
    }

    /// <summary>The table's <c>secret/</c> mount as <paramref name="mount"/>: in <c>/v1/secret/…</c> and in the CLI preflight's path.</summary>
    private static string RewritePath(string path, string mount)
    {
        if (mount == TableMount)
            return path;
        foreach (var prefix in (string[])["/v1/", "/v1/sys/internal/ui/mounts/"])
        {
            if (path.StartsWith(prefix + TableMount + "/", StringComparison.Ordinal) || path == prefix + TableMount)
                return prefix + mount + path[(prefix.Length + TableMount.Length)..];
        }
        return path;
    }

    /// <summary>Expectations that name the <c>secret/</c> mount (<c>data['secret/']</c>, <c>data.path: secret/</c>) name <paramref name="mount"/>.</summary>
    private static JsonObject Rewrite(JsonObject expect, string mount)
    {
        if (mount == TableMount)
            return expect;
        var rewritten = new JsonObject();
        foreach (var (key, value) in expect)
        {
            var newKey = key.Replace($"'{TableMount}/'", $"'{mount}/'", StringComparison.Ordinal);
            rewritten[newKey] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == TableMount + "/"
                ? JsonValue.Create(mount + "/")
                : value?.DeepClone();
        }
        return rewritten;
    }

    private static string Describe(Kv2Step step, Kv2Reply reply)
    {
        var body = reply.Body.Length > 2000 ? reply.Body[..2000] + "…" : reply.Body;
        return $"{step.Method} {step.Path} → {reply.Status} {body}";
    }
}
