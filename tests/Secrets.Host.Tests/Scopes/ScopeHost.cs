using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Auth;

/// <summary>
/// The dev host (YAML file + embedded KVv2 server) trusting a test issuer, with authentication required
/// and, unless <paramref name="enforceScopes"/> is false, scopes enforced (docs/API.md, docs/AUTHENTICATION.md#scopes).
/// </summary>
public class ScopeHostBase : SecretsHostFactory
{
    protected ScopeHostBase(TestIssuer issuer, bool enforceScopes)
        : base(enforceScopes
            ? Trusting(issuer, ("SECRETS_API_REQUIRE_AUTH", "true"), ("SECRETS_ENFORCE_SCOPES", "true"))
            : Trusting(issuer, ("SECRETS_API_REQUIRE_AUTH", "true")))
    {
        Issuer = issuer;
    }

    public TestIssuer Issuer { get; }

    public const string CorrelationHeader = "X-Correlation-ID";

    public static readonly string[] AllScopes = TestIssuer.AllScopes.Split(' ');

    /// <summary>A token whose <c>scope</c> claim is exactly <paramref name="scopes"/> (none: no scope claim at all).</summary>
    public string TokenWith(params string[] scopes) => Issuer.Token(b =>
    {
        if (scopes.Length == 0)
            b.Claims.Remove("scope");
        else
            b.Claims["scope"] = string.Join(' ', scopes);
    });

    public string TokenWithout(params string[] missing) => TokenWith(AllScopes.Except(missing).ToArray());

    public HttpClient ClientWith(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The audit records of one request (by correlation id), read with a secrets.read_metadata token.</summary>
    public async Task<IReadOnlyList<JsonNode>> AuditOfAsync(HttpResponseMessage response)
    {
        var correlation = response.Headers.GetValues(CorrelationHeader).Single();
        using var auditor = ClientWith(TokenWith("secrets.read_metadata"));
        return await AuditProbe.EventsAsync(auditor, "correlation_id=" + Uri.EscapeDataString(correlation));
    }

    private HttpClient? raw;

    /// <summary>Straight to the embedded KVv2 server with its root token (the type is internal: found by name).</summary>
    public HttpClient RawKv
    {
        get
        {
            if (raw is not null)
                return raw;
            var type = Type.GetType("Secrets.Providers.Kv.DevServer.EmbeddedKv2Server, Secrets.Providers", throwOnError: true)!;
            var server = Services.GetRequiredService(type);
            var baseAddress = (Uri)type.GetProperty("BaseAddress")!.GetValue(server)!;
            var rootToken = (string)type.GetProperty("RootToken")!.GetValue(server)!;
            raw = new HttpClient { BaseAddress = baseAddress };
            raw.DefaultRequestHeaders.Add("X-Vault-Token", rootToken);
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
        using var admin = ClientWith(Issuer.Token());
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
        if (disposing)
            Issuer.Dispose();
    }
}

/// <summary>The scope-enforcing host, as a class fixture.</summary>
public sealed class ScopeEnforcingHost : ScopeHostBase
{
    public ScopeEnforcingHost()
        : base(new TestIssuer(), enforceScopes: true)
    {
    }
}

/// <summary>The same host with SECRETS_ENFORCE_SCOPES left at its dev default (false).</summary>
public sealed class ScopeLenientHost : ScopeHostBase
{
    public ScopeLenientHost()
        : base(new TestIssuer(), enforceScopes: false)
    {
    }
}

/// <summary>The secrets of one test and the placeholders request templates use for them.</summary>
public sealed partial class ScopeFixture(string id)
{
    public string Id { get; } = id;
    public string KvPath => "scopes/" + Id;
    public string Yaml => "yaml://secret/scopes/" + Id;
    public string Kv => "openbao+kv2://secret/" + KvPath;

    /// <summary>
    /// Replaces <c>{Y}</c>, <c>{K}</c> (the secrets), <c>{Y2}</c>, <c>{K2}</c> (destinations that do not
    /// exist), <c>{YP}</c>, <c>{KP}</c> (the parent folder), <c>{YS}</c>, <c>{KS}</c> (the parent with
    /// <c>/*</c>), each optionally with a <c>#fragment</c>; escaped for a query when <paramref name="query"/>.
    /// </summary>
    public string Fill(string template, bool query) => Placeholder().Replace(template, m =>
    {
        var uri = m.Groups[1].Value switch
        {
            "Y" => Yaml,
            "K" => Kv,
            "Y2" => Yaml + "-dest",
            "K2" => Kv + "-dest",
            "YP" => "yaml://secret/scopes",
            "KP" => "openbao+kv2://secret/scopes",
            "YS" => "yaml://secret/scopes/*",
            _ => "openbao+kv2://secret/scopes/*",
        } + m.Groups[2].Value;
        return query ? HttpAssertions.Q(uri) : uri;
    });

    [GeneratedRegex(@"\{(Y|K|Y2|K2|YP|KP|YS|KS)(#\w+)?\}")]
    private static partial Regex Placeholder();
}

/// <summary>Sending a templated request and checking a scope refusal.</summary>
public static class ScopeRequests
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, ScopeFixture f, string method, string path, string? body,
        Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), f.Fill(path, query: true));
        if (body is not null)
            request.Content = new StringContent(f.Fill(body, query: false), Encoding.UTF8, "application/json");
        adjust?.Invoke(request);
        using var cancel = new CancellationTokenSource();
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            await cancel.CancelAsync();     // an open stream: the status and headers are all we need
            response.Dispose();
        }
        else
        {
            await response.Content.LoadIntoBufferAsync();
        }
        return response;
    }

    /// <summary>403 INSUFFICIENT_SCOPE naming <paramref name="scope"/> in the challenge and the detail.</summary>
    public static async Task ShouldBeScopeRefusalAsync(this HttpResponseMessage response, string scope, string scheme = "Bearer")
    {
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        body["detail"]!.GetValue<string>().ShouldBe($"the access token lacks the scope {scope}", body.ToJsonString());
        var challenges = response.Headers.TryGetValues("WWW-Authenticate", out var values) ? values.ToList() : [];
        challenges.Count.ShouldBe(1, string.Join(" | ", challenges));
        var expected = $"{scheme} error=\"insufficient_scope\", error_description=\"requires {scope}\", scope=\"{scope}\"";
        if (scheme == "Bearer")
            challenges[0].ShouldBe(expected);
        else
            challenges[0].ShouldStartWith(expected + ", algs=\"", Case.Sensitive, challenges[0]);
    }

    /// <summary>Exactly one audit record for the request: AUTHZ_DENIED, deny, INSUFFICIENT_SCOPE.</summary>
    public static void ShouldBeOneScopeDenial(this IReadOnlyList<JsonNode> events, string? purpose = null)
    {
        var text = string.Join('\n', events.Select(e => e.ToJsonString()));
        events.Count.ShouldBe(1, text);
        events[0]["event_type"]!.GetValue<string>().ShouldBe("AUTHZ_DENIED", text);
        events[0]["effect"]!.GetValue<string>().ShouldBe("deny", text);
        events[0]["error_code"]!.GetValue<string>().ShouldBe("INSUFFICIENT_SCOPE", text);
        if (purpose is not null)
            events[0]["purpose"]!.GetValue<string>().ShouldBe(purpose, text);
    }
}
