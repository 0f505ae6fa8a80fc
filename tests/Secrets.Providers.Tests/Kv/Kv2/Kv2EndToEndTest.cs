using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Testing;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>Helpers shared by the KVv2 end-to-end classes: unique paths, calls, audit, raw state.</summary>
public abstract class Kv2EndToEndTest(Kv2EndToEndHost host) : IDisposable
{
    protected Kv2EndToEndHost Host { get; } = host;
    protected HttpClient Client { get; } = host.CreateClient();

    /// <summary>Every non-value body this test saw, for canary checks.</summary>
    protected List<string> Bodies { get; } = [];

    /// <summary>A fresh path below secret/ so that tests sharing one host never meet.</summary>
    protected static string NewPath(string name) => $"e2e/{name}-{Guid.NewGuid().ToString("N")[..10]}";

    protected static string Ob(string path, string? fragment = null) => $"openbao+kv2://secret/{path}" + (fragment is null ? "" : "#" + fragment);

    protected static string Hc(string path, string? fragment = null) => $"hashicorp+kv2://secret/{path}" + (fragment is null ? "" : "#" + fragment);

    protected static string CorrelationId(HttpResponseMessage response) => response.Headers.GetValues("X-Correlation-ID").Single();

    protected async Task<int> WriteAsync(string uri, object value)
    {
        var body = await (await Client.PostJsonAsync("/api/secrets", new { uri, value })).ShouldBeOkJsonAsync();
        return body["version"]!.GetValue<int>();
    }

    protected Task<HttpResponseMessage> ReadValueAsync(string uri, int? version = null) =>
        Client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(uri)}" + (version is null ? "" : $"&version={version}"));

    protected async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Bodies.Add(await response.Content.ReadAsStringAsync());
        return await response.ShouldBeProblemAsync(status, code);
    }

    protected async Task<JsonNode> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Bodies.Add(await response.Content.ReadAsStringAsync());
        return await response.ShouldBeOkJsonAsync(status);
    }

    protected async Task NoContentAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, text);
    }

    /// <summary>The audit events of one request (by its correlation id).</summary>
    protected Task<IReadOnlyList<JsonNode>> AuditAsync(HttpResponseMessage response) =>
        AuditProbe.EventsAsync(Client, "correlation_id=" + CorrelationId(response));

    /// <summary>The one event of a type in one request's audit, with the fields every KVv2 record has.</summary>
    protected async Task<JsonNode> AuditedAsync(HttpResponseMessage response, string eventType, string effect, string purpose)
    {
        var events = await AuditAsync(response);
        var matching = events.Where(e => e["event_type"]!.GetValue<string>() == eventType).ToList();
        matching.Count.ShouldBe(1, $"one {eventType} expected in: {string.Join('\n', events.Select(e => e.ToJsonString()))}");
        var e = matching[0];
        e["effect"]!.GetValue<string>().ShouldBe(effect, e.ToJsonString());
        e["purpose"]!.GetValue<string>().ShouldBe(purpose, e.ToJsonString());
        e["resource_ref"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        return e;
    }

    protected static int? KvVersion(JsonNode auditEvent) => auditEvent["kv_version"]?.GetValue<int>();

    protected async Task<RawReply> RawGetAsync(string vaultPath)
    {
        using var response = await Host.Raw.GetAsync("v1/" + vaultPath);
        var text = await response.Content.ReadAsStringAsync();
        return new RawReply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    protected async Task RawPostAsync(string vaultPath, object body)
    {
        using var response = await Host.Raw.PostAsJsonAsync("v1/" + vaultPath, body);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The latest (or a pinned) version's data as the raw server stores it.</summary>
    protected async Task<RawReply> RawDataAsync(string path, int? version = null) =>
        await RawGetAsync($"secret/data/{path}" + (version is null ? "" : $"?version={version}"));

    protected async Task<RawReply> RawMetadataAsync(string path) => await RawGetAsync($"secret/metadata/{path}");

    protected static string Str(JsonNode? node) => node!.GetValue<string>();

    public void Dispose()
    {
        Client.Dispose();
        GC.SuppressFinalize(this);
    }
}
