using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Rotation.Tests.Features.ApproveDestroy;

/// <summary>
/// The dev profile (embedded KVv2, audit buffer) with callers authenticated by subject, authorization on,
/// <c>DESTROY_REQUIRES_APPROVAL=true</c>, <c>APPROVAL_TTL_S=60</c>, and a fake clock the host runs on (it starts now, so
/// tokens of the real clock stay valid). The policy permits everything on the test mounts, except
/// <c>destroy_versions</c> for <see cref="Mallory"/>.
/// </summary>
internal sealed class GatedDestroyHost : AuthenticatedHost
{
    public const string Alice = "alice";
    public const string Bob = "bob";
    public const string Mallory = "mallory";
    public const int TtlSeconds = 60;

    public const string Policies = """
        version: 1
        rules:
          - id: mallory-destroys-nothing
            effect: deny
            subjects: [mallory]
            resources: ["openbao+kv2://secret/*"]
            purposes: [destroy_versions]
          - id: permit-all
            resources: ["openbao+kv2://secret/*", "yaml://secret/*"]
            purposes: ["*"]
        """;

    public GatedDestroyHost(FakeTimeProvider time, params (string Key, string? Value)[] settings)
        : this(time, null, settings)
    {
    }

    /// <summary>A host trusting <paramref name="issuer"/> (another host's: one subject, two nodes).</summary>
    public GatedDestroyHost(FakeTimeProvider time, TestIssuer? issuer, params (string Key, string? Value)[] settings)
        : base(issuer, Policies, [("ENABLE_AUTHORIZATION", "true"), ("DESTROY_REQUIRES_APPROVAL", "true"), ("APPROVAL_TTL_S", "60"), .. settings])
    {
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    /// <summary>A client of <paramref name="subject"/> with a new token (every scope) per request.</summary>
    public HttpClient As(string subject) => ClientWithFreshTokens(b => b.Claims["sub"] = subject);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}

/// <summary>The calls of a gated destroy and the read-backs its tests need.</summary>
internal static class GatedDestroyApi
{
    public static async Task WriteAsync(this HttpClient client, string uri, object value) =>
        await (await client.PostJsonAsync("/api/secrets", new { uri, value })).ShouldBeOkJsonAsync();

    /// <summary>The 202 of a destroy waiting for its approval: its approval id and expiry, checked for shape.</summary>
    public static async Task<(string Id, DateTimeOffset ExpiresAt)> ShouldBePendingApprovalAsync(this HttpResponseMessage response)
    {
        var body = await response.ShouldBeOkJsonAsync(HttpStatusCode.Accepted);
        var id = body["approval_id"]!.GetValue<string>();
        id.ShouldMatch("^[A-Za-z0-9_-]{1,64}$");
        id.Length.ShouldBeGreaterThanOrEqualTo(22);   // 128 random bits
        return (id, body["expires_at"]!.GetValue<DateTimeOffset>());
    }

    public static Task<HttpResponseMessage> DestroyVersionsAsync(this HttpClient client, string uri, params int[] versions) =>
        client.PostJsonAsync("/api/secrets/destroy-versions", new { uri, versions });

    public static Task<HttpResponseMessage> DestroyAllAsync(this HttpClient client, string uri) =>
        client.DeleteAsync($"/api/secrets?uri={Q(uri)}&destroy=true");

    public static Task<HttpResponseMessage> ApproveAsync(this HttpClient client, string approvalId) =>
        client.PostAsync($"/api/secrets/approvals/{approvalId}/approve", null);

    /// <summary>The pinned read of one version's key: 200 with the value, or the problem.</summary>
    public static Task<HttpResponseMessage> ReadVersionAsync(this HttpClient client, string uri, int version) =>
        client.GetAsync($"/api/secrets/value?uri={Q(uri)}&version={version}");

    public static async Task<string> ValueOfVersionAsync(this HttpClient client, string uri, int version) =>
        (await (await client.ReadVersionAsync(uri, version)).ShouldBeOkJsonAsync())["value"]!.GetValue<string>();

    /// <summary>Each version's "destroyed" flag (GET /api/secrets/versions); null when the path has no metadata (404).</summary>
    public static async Task<Dictionary<int, bool>?> DestroyedFlagsAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync($"/api/secrets/versions?uri={Q(path)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        var body = await response.ShouldBeOkJsonAsync();
        return body["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!["destroyed"]!.GetValue<bool>());
    }

    /// <summary>Every audit record that names <paramref name="approvalId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<JsonNode>> AuditOfApprovalAsync(this AuthenticatedHost host, string approvalId) =>
        (await host.AuditAsync()).Where(e => e.Str("approval_id") == approvalId).OrderBy(e => e["seq"]!.GetValue<long>()).ToList();

    /// <summary>Polls the audit buffer until <paramref name="done"/> holds for the records of the approval (10 s at most).</summary>
    public static async Task<IReadOnlyList<JsonNode>> AuditOfApprovalUntilAsync(this AuthenticatedHost host, string approvalId,
        Func<IReadOnlyList<JsonNode>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var records = await host.AuditOfApprovalAsync(approvalId);
            if (done(records) || DateTime.UtcNow > deadline)
                return records;
            await Task.Delay(50);
        }
    }
}
