using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests;

/// <summary>
/// The Audit module's canary: a value written to a secret and then driven through failing
/// requests never shows up in audit records, SSE frames, problem bodies or the captured log.
/// </summary>
public sealed class AuditCanaryTests : IDisposable
{
    private const string CanaryUri = "yaml://secret/canary/app#token";
    private static readonly string Canary = "canary-3b9d" + Guid.NewGuid().ToString("N")[..12];
    private readonly SecretsHostFactory host = new(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "4096" });
    private readonly HttpClient client;

    public AuditCanaryTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    private static string Json(string text) => JsonValue.Create(text).ToJsonString();

    /// <summary>Failing requests whose body or target could carry the canary, with the status each must get.</summary>
    private static IEnumerable<(string Name, Func<HttpRequestMessage> Request, HttpStatusCode Status)> FailingRequests()
    {
        var c = Json(Canary);
        HttpRequestMessage Post(string name, string path, string body) => PostJson(path, body, "canary-" + name);
        HttpRequestMessage Read(string name, string path) => Get(path, "canary-" + name);

        yield return ("bad-fragment", () => Read("bad-fragment", $"/api/secrets/value?uri={Q("yaml://secret/canary/app#nope")}"), HttpStatusCode.NotFound);
        yield return ("yaml-bad-fragment", () => Read("yaml-bad-fragment", $"/api/secrets?uri={Q("yaml://secret/canary/app#nope")}"), HttpStatusCode.NotFound);
        yield return ("path-through-value", () => Read("path-through-value", $"/api/secrets/value?uri={Q("yaml://secret/canary/app/token")}"), HttpStatusCode.NotFound);
        yield return ("pinned", () => Read("pinned", $"/api/secrets/value?uri={Q(CanaryUri)}&version=1"), HttpStatusCode.NotImplemented);
        yield return ("unknown-field", () => Post("unknown-field", "/api/secrets", $$"""{"uri":"{{CanaryUri}}","value":"v","note":{{c}}}"""), HttpStatusCode.BadRequest);
        yield return ("oversized", () => Post("oversized", "/api/secrets", $$"""{"uri":"{{CanaryUri}}","value":{{Json(Canary + new string('x', 5000))}}}"""), HttpStatusCode.RequestEntityTooLarge);
        yield return ("wrong-type-cas", () => Post("wrong-type-cas", "/api/secrets", $$"""{"uri":"{{CanaryUri}}","value":"v","cas":{{c}}}"""), HttpStatusCode.BadRequest);
        yield return ("wrong-type-uri", () => Post("wrong-type-uri", "/api/secrets", $$"""{"uri":[{{c}}],"value":"v"}"""), HttpStatusCode.BadRequest);
        yield return ("malformed-json", () => Post("malformed-json", "/api/secrets", $$"""{"uri":"{{CanaryUri}}","value":{{c}}"""), HttpStatusCode.BadRequest);
        yield return ("map-needs-object", () => Post("map-needs-object", "/api/secrets", $$"""{"uri":"yaml://secret/canary/app","value":{{c}}}"""), HttpStatusCode.BadRequest);
        yield return ("nested-value", () => Post("nested-value", "/api/secrets", $$$"""{"uri":"{{{CanaryUri}}}","value":{"inner":{{{c}}}}}"""), HttpStatusCode.BadRequest);
        yield return ("path-conflict", () => Post("path-conflict", "/api/secrets", $$"""{"uri":"yaml://secret/canary/app/token/deeper#k","value":{{c}}}"""), HttpStatusCode.Conflict);
        yield return ("tenant-mount", () => Post("tenant-mount", "/api/secrets", $$"""{"uri":"yaml://other/app#token","value":{{c}}}"""), HttpStatusCode.BadRequest);
        yield return ("malformed-uri", () => Post("malformed-uri", "/api/secrets", $$"""{"uri":"not a uri","value":{{c}}}"""), HttpStatusCode.BadRequest);
        yield return ("wrong-type-version", () => Read("wrong-type-version", $"/api/secrets/value?uri={Q(CanaryUri)}&version={Q(Canary)}"), HttpStatusCode.BadRequest);
        yield return ("audit-limit", () => Read("audit-limit", $"/api/secrets/audit?limit={Q(Canary)}"), HttpStatusCode.BadRequest);
        yield return ("audit-filter", () => Read("audit-filter", $"/api/secrets/audit?effect={Q(Canary)}"), HttpStatusCode.BadRequest);
        yield return ("audit-since", () => Read("audit-since", $"/api/secrets/audit?since={Q(Canary)}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Canary_value_never_reaches_audit_records_sse_frames_problem_bodies_or_logs()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var stream = await SseStream.OpenAsync(client, cts.Token);

        using (var write = await client.SendAsync(PostJson("/api/secrets", $$"""{"uri":"{{CanaryUri}}","value":{{Json(Canary)}}}""", "canary-write"), cts.Token))
            await write.ShouldBeOkJsonAsync();
        using (var read = await client.SendAsync(Get($"/api/secrets/value?uri={Q(CanaryUri)}", "canary-read"), cts.Token))
            (await read.ShouldBeOkJsonAsync())["value"]!.GetValue<string>().ShouldBe(Canary);   // the one place it may appear

        var answers = new StringBuilder();
        foreach (var (name, request, status) in FailingRequests())
        {
            using var message = request();
            using var response = await client.SendAsync(message, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            response.StatusCode.ShouldBe(status, $"{name}: {body}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", name);
            body.ShouldNotContain(Canary, Case.Insensitive, $"problem body of '{name}'");
            answers.Append(name).Append(": ").Append(response.Headers).Append(body).Append('\n');
        }
        using (var sentinel = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}", "canary-sentinel"), cts.Token))
            await sentinel.ShouldBeOkJsonAsync();
        await stream.ReadUntilAsync(f => f.Data?.Contains("canary-sentinel", StringComparison.Ordinal) == true, cts.Token);

        var audit = await AuditProbe.EventsAsync(client);
        audit.ShouldContain(e => e.Str("correlation_id") == "canary-bad-fragment" && e.Str("error_code") == "FRAGMENT_NOT_FOUND",
            "the failures were driven and audited");
        audit.ShouldContain(e => e.Str("correlation_id") == "canary-path-conflict" && e.Str("error_code") == "PATH_CONFLICT");
        audit.ShouldContain(e => e.Str("correlation_id") == "canary-write" && e.Str("resource_ref") == ResourceRef(CanaryUri));
        answers.ToString().ShouldNotContain(Canary, Case.Insensitive);
        string.Join('\n', audit.Select(e => e.ToJsonString())).ShouldNotContain(Canary, Case.Insensitive, "audit records");
        stream.Transcript.ToString().ShouldNotContain(Canary, Case.Insensitive, "SSE frames");
        host.Logs.AuditLogEvents().Select(l => (string?)l.Prop("CorrelationId"))
            .ShouldContain("canary-path-conflict", "the log capture saw this host's audits, so the check below is not vacuous");
        host.Logs.AllText().ShouldNotContain(Canary, Case.Insensitive, "captured log");
        host.Logs.Events.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString())
            .ShouldAllBe(text => !text.Contains(Canary, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Canary_in_a_whole_map_write_never_reaches_audit_or_logs()
    {
        const string mapUri = "yaml://secret/canary/map";
        using (var write = await client.SendAsync(PostJson("/api/secrets", $$$"""{"uri":"{{{mapUri}}}","value":{"a":{{{Json(Canary)}}},"b":"other"}}""", "canary-map"), CancellationToken.None))
            await write.ShouldBeOkJsonAsync();
        using (var read = await client.SendAsync(Get($"/api/secrets?uri={Q(mapUri)}", "canary-map-read")))
            (await read.ShouldBeOkJsonAsync())["a"]!.GetValue<string>().ShouldBe(Canary);
        using (var missing = await client.SendAsync(Get($"/api/secrets/value?uri={Q(mapUri + "#zzz")}", "canary-map-miss")))
            (await missing.Content.ReadAsStringAsync()).ShouldNotContain(Canary);

        var audit = await AuditProbe.EventsAsync(client);
        audit.Count.ShouldBe(3);
        string.Join('\n', audit.Select(e => e.ToJsonString())).ShouldNotContain(Canary, Case.Insensitive);
        host.Logs.AllText().ShouldNotContain(Canary, Case.Insensitive);
    }
}
