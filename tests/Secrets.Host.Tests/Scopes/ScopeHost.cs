using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Providers.Contracts;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Scopes;

/// <summary>
/// The dev host (YAML file + embedded KVv2 server) trusting its own test issuer, with authentication required
/// and, unless <paramref name="enforceScopes"/> is false, scopes enforced (docs/API.md, docs/AUTHENTICATION.md#scopes);
/// with fresh secrets for each test and what is stored, to show that a refused request changed nothing.
/// </summary>
public abstract class ScopeHost(bool enforceScopes)
    : AuthenticatedHost(enforceScopes
        ? [("SECRETS_ENFORCE_SCOPES", "true"), ("BACKUP_KEY", BackupKey)]
        : [("BACKUP_KEY", BackupKey)])
{
    /// <summary>A backup key for the host, so that a backup with the needed scope succeeds.</summary>
    private static readonly string BackupKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private HttpClient? raw;

    /// <summary>Straight to the embedded KVv2 server with its root token.</summary>
    public HttpClient RawKv
    {
        get
        {
            if (raw is not null)
                return raw;
            var server = Services.GetRequiredService<IInProcessKv2Server>();
            raw = new HttpClient { BaseAddress = server.BaseAddress };
            raw.DefaultRequestHeaders.Add("X-Vault-Token", server.RootToken);
            return raw;
        }
    }

    /// <summary>
    /// Fresh secrets for one test: <c>yaml://secret/scopes/{id}</c> = {k: v1, other: o}, and
    /// <c>openbao+kv2://secret/scopes/{id}</c> with version 1 {k: v1} (soft-deleted) and version 2 {k: v2}.
    /// </summary>
    public async Task<ScopeFixture> ArrangeAsync()
    {
        var id = "s" + Guid.NewGuid().ToString("N")[..10];
        var f = new ScopeFixture(id);
        using var admin = ClientWithFreshTokens();
        (await admin.PostJsonAsync("/api/secrets", new { uri = f.Yaml, value = new { k = "v1", other = "o" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostJsonAsync("/api/secrets", new { uri = f.Kv, value = new { k = "v1" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostJsonAsync("/api/secrets", new { uri = f.Kv, value = new { k = "v2" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var deleted = await RawKv.PostAsync($"v1/secret/delete/{f.KvPath}", new StringContent("""{"versions":[1]}""", Encoding.UTF8, "application/json"));
        deleted.IsSuccessStatusCode.ShouldBeTrue(await deleted.Content.ReadAsStringAsync());
        return f;
    }

    /// <summary>What is stored: the YAML file as it is on disk, and the raw KVv2 metadata and latest data of the test's paths.</summary>
    public async Task<string> StoredStateAsync(ScopeFixture f)
    {
        var state = new StringBuilder(await File.ReadAllTextAsync(YamlPath));
        foreach (var path in new[] { f.KvPath, f.KvPath + "-dest" })
        {
            foreach (var kind in new[] { "metadata", "data" })
            {
                using var response = await RawKv.GetAsync($"v1/secret/{kind}/{path}");
                state.Append('\n').Append(kind).Append(' ').Append(path).Append(' ').Append((int)response.StatusCode).Append(' ')
                    .Append(WithoutRequestId(await response.Content.ReadAsStringAsync()));
            }
        }
        return state.ToString();
    }

    /// <summary>The server's reply without its per-request <c>request_id</c>.</summary>
    private static string WithoutRequestId(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject reply)
            return json;
        reply.Remove("request_id");
        return reply.ToJsonString();
    }

    protected override void Dispose(bool disposing)
    {
        raw?.Dispose();
        base.Dispose(disposing);
    }
}
