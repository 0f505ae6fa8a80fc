using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Providers.Tests.Access;

/// <summary>
/// The access pipeline's order of checks (docs/API.md, "The order of checks") seen from outside: the
/// token's scope comes before the request's shape, the URI grammar, the tenant's mounts and the
/// provider's capability, for every target of a request and for each operation of a bulk request;
/// with the scope present the same requests get their own 400 or 501; grammar and tenant come before
/// the capability, and the capability before the PEP.
/// </summary>
public sealed class OrderOfChecksTests(OrderOfChecksHost host) : IClassFixture<OrderOfChecksHost>
{
    /// <summary>Where each check would refuse: a URI that does not parse, a mount of another tenant, a provider that is not configured.</summary>
    private const string Malformed = "yaml://secret//x";
    private const string OtherTenant = "yaml://other/x";
    private const string NotSupported = "openbao+kv2://secret/order/x";   // this host has no KVv2 provider

    /// <summary>
    /// name, method, path, body (<c>{U}</c> is the refused URI), the one scope the 403 token lacks. For
    /// copy and move the lacking scope is a later target's than the one whose URI is refused, so the scope
    /// check of every target must come before the URI check of any.
    /// </summary>
    private static readonly Dictionary<string, (string Method, string Path, string? Body, string Scope)> Requests = new()
    {
        ["value"] = ("GET", "/api/secrets/value?uri={U}", null, "secrets.read"),
        ["write"] = ("POST", "/api/secrets", """{"uri":"{U}","value":{"k":"v"}}""", "secrets.write"),
        ["delete"] = ("DELETE", "/api/secrets?uri={U}", null, "secrets.delete"),
        ["undelete"] = ("POST", "/api/secrets/undelete", """{"uri":"{U}","versions":[1]}""", "secrets.delete"),
        ["rotate"] = ("POST", "/api/secrets/rotate", """{"uri":"{U}","value":{"k":"v"}}""", "secrets.rotate"),
        ["copy-to"] = ("POST", "/api/secrets/copy", """{"fromUri":"yaml://secret/env","toUri":"{U}"}""", "secrets.write"),
        ["copy-from"] = ("POST", "/api/secrets/copy", """{"fromUri":"{U}","toUri":"yaml://secret/order/dest"}""", "secrets.write"),
        ["move-to"] = ("POST", "/api/secrets/move", """{"fromUri":"yaml://secret/env","toUri":"{U}"}""", "secrets.delete"),
        ["move-from"] = ("POST", "/api/secrets/move", """{"fromUri":"{U}","toUri":"yaml://secret/order/dest"}""", "secrets.delete"),
        ["bulk-set"] = ("POST", "/api/secrets/bulk", """{"operations":[{"op":"set","uri":"{U}","value":{"k":"v"}}]}""", "secrets.write"),
        ["bulk-rotate"] = ("POST", "/api/secrets/bulk", """{"operations":[{"op":"rotate","uri":"{U}","value":{"k":"v"}}]}""", "secrets.rotate"),
        ["bulk-delete"] = ("POST", "/api/secrets/bulk", """{"operations":[{"op":"delete","uri":"{U}"}]}""", "secrets.delete"),
    };

    public static TheoryData<string, string, string> Refusals()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in Requests.Keys)
        {
            data.Add(name, Malformed, "ILLEGAL_SEGMENT");
            data.Add(name, OtherTenant, "TENANT_MOUNT_MISMATCH");
            data.Add(name, NotSupported, "OPERATION_NOT_SUPPORTED");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_token_without_the_scope_is_403_INSUFFICIENT_SCOPE_before_the_uri_tenant_and_capability_checks(string name, string uri, string wouldBe)
    {
        var (method, path, body, scope) = Requests[name];
        using var client = host.ClientWith(host.TokenWithout(scope));

        using var response = await SendAsync(client, method, Fill(path, uri, query: true), body is null ? null : Fill(body, uri, query: false));

        if (name.StartsWith("bulk", StringComparison.Ordinal))
        {
            ShouldBeOnlyResult(await response.ShouldBeOkJsonAsync(), 403, "INSUFFICIENT_SCOPE");
            (await host.AuditOfAsync(response)).ShouldBeOne("AUTHZ_DENIED", "deny", "INSUFFICIENT_SCOPE");
            return;
        }
        await response.ShouldBeScopeRefusalAsync(scope, because: $"{name} on {uri} would otherwise be {wouldBe}");
        (await host.AuditOfAsync(response)).ShouldBeOne("AUTHZ_DENIED", "deny", "INSUFFICIENT_SCOPE");
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task With_the_scope_the_same_request_gets_its_own_400_or_501(string name, string uri, string code)
    {
        var (method, path, body, _) = Requests[name];
        using var client = host.ClientWith(host.Issuer.Token());
        var status = code == "OPERATION_NOT_SUPPORTED" ? 501 : 400;

        using var response = await SendAsync(client, method, Fill(path, uri, query: true), body is null ? null : Fill(body, uri, query: false));

        if (name.StartsWith("bulk", StringComparison.Ordinal))
        {
            ShouldBeOnlyResult(await response.ShouldBeOkJsonAsync(), status, code);
            return;
        }
        await response.ShouldBeProblemAsync((HttpStatusCode)status, code);
        response.Headers.Contains("WWW-Authenticate").ShouldBeFalse();
    }

    /// <summary>Requests that are 501 on YAML itself (or the brief's versions listing), with the scope the token lacks.</summary>
    public static TheoryData<string, string, string?, string, bool> YamlNotSupported => new()
    {
        { "GET", "/api/secrets/versions?uri=" + HttpAssertions.Q("yaml://secret/env"), null, "secrets.read_metadata", false },
        { "GET", "/api/secrets/metadata/detail?uri=" + HttpAssertions.Q("yaml://secret/env"), null, "secrets.read_metadata", false },
        { "GET", "/api/secrets/value?uri=" + HttpAssertions.Q("yaml://secret/env#MY_API_KEY") + "&version=1", null, "secrets.read", false },
        { "POST", "/api/secrets", """{"uri":"yaml://secret/env","value":{"k":"v"},"cas":1}""", "secrets.write", false },
        { "DELETE", "/api/secrets?uri=" + HttpAssertions.Q("yaml://secret/env") + "&destroy=true", null, "secrets.destroy", false },
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://secret/env","versions":[1]}""", "secrets.delete", false },
        { "POST", "/api/secrets/destroy-versions", """{"uri":"yaml://secret/env","versions":[1]}""", "secrets.destroy", false },
        { "POST", "/api/secrets/metadata/owner", """{"uri":"yaml://secret/env","owner":"bob"}""", "secrets.set_owner", false },
        { "POST", "/api/secrets/bulk", """{"operations":[{"op":"undelete","uri":"yaml://secret/env","versions":[1]}]}""", "secrets.delete", true },
        { "POST", "/api/secrets/bulk", """{"operations":[{"op":"destroy","uri":"yaml://secret/env"}]}""", "secrets.destroy", true },
    };

    [Theory]
    [MemberData(nameof(YamlNotSupported))]
    public async Task A_missing_scope_wins_over_what_yaml_cannot_do_and_with_the_scope_it_is_501(string method, string path, string? body, string scope, bool bulk)
    {
        using var lacking = host.ClientWith(host.TokenWithout(scope));
        using var full = host.ClientWith(host.Issuer.Token());

        using var refused = await SendAsync(lacking, method, path, body);
        using var unsupported = await SendAsync(full, method, path, body);

        if (bulk)
        {
            ShouldBeOnlyResult(await refused.ShouldBeOkJsonAsync(), 403, "INSUFFICIENT_SCOPE");
            ShouldBeOnlyResult(await unsupported.ShouldBeOkJsonAsync(), 501, "OPERATION_NOT_SUPPORTED");
        }
        else
        {
            await refused.ShouldBeScopeRefusalAsync(scope, because: $"{method} {path} is 501 with the scope");
            await unsupported.ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        }
        (await host.AuditOfAsync(unsupported)).ShouldBeOne(null, "failure", "OPERATION_NOT_SUPPORTED");
    }

    /// <summary>The request's own field rules come after the scope check and before the URI is looked at.</summary>
    public static TheoryData<string, string, string> MissingFields => new()
    {
        { "/api/secrets/rotate", """{"uri":"yaml://secret//x"}""", "secrets.rotate" },
        { "/api/secrets", """{"uri":"yaml://other/x"}""", "secrets.write" },
        { "/api/secrets/undelete", """{"uri":"openbao+kv2://secret/order/x"}""", "secrets.delete" },
        { "/api/secrets/copy", """{"fromUri":"yaml://secret//x","toUri":""}""", "secrets.write" },
        { "/api/secrets/move", """{"fromUri":"","toUri":"yaml://secret/order/dest"}""", "secrets.delete" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public async Task The_scope_comes_before_the_field_rules_and_the_field_rules_before_the_uri(string path, string body, string scope)
    {
        using var lacking = host.ClientWith(host.TokenWithout(scope));
        using var full = host.ClientWith(host.Issuer.Token());

        using var refused = await SendAsync(lacking, "POST", path, body);
        using var invalid = await SendAsync(full, "POST", path, body);

        await refused.ShouldBeScopeRefusalAsync(scope, because: $"{path} {body} has a missing field");
        var problem = await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        problem["errors"].ShouldNotBeNull(problem.ToJsonString());
    }

    /// <summary>With every scope: each request is refused by the first failing check, not a later one.</summary>
    public static TheoryData<string, string, string?, int, string> EarlierCheckWins => new()
    {
        // grammar before capability: undelete is 501 on YAML and on an unconfigured provider
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://secret//x","versions":[1]}""", 400, "ILLEGAL_SEGMENT" },
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://secret/a%zz","versions":[1]}""", 400, "MALFORMED_URI" },
        { "POST", "/api/secrets/undelete", """{"uri":"openbao+kv2://secret//x","versions":[1]}""", 400, "ILLEGAL_SEGMENT" },
        { "GET", "/api/secrets/versions?uri=" + HttpAssertions.Q("yaml://secret//env"), null, 400, "ILLEGAL_SEGMENT" },
        { "GET", "/api/secrets/value?uri=" + HttpAssertions.Q("yaml://secret//env#MY_API_KEY") + "&version=1", null, 400, "ILLEGAL_SEGMENT" },
        { "POST", "/api/secrets/rotate", """{"uri":"openbao+kv2://secret/a%zz","value":{"k":"v"}}""", 400, "MALFORMED_URI" },
        // tenant before capability
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://other/x","versions":[1]}""", 400, "TENANT_MOUNT_MISMATCH" },
        { "POST", "/api/secrets/undelete", """{"uri":"openbao+kv2://other/x","versions":[1]}""", 400, "TENANT_MOUNT_MISMATCH" },
        { "GET", "/api/secrets/versions?uri=" + HttpAssertions.Q("yaml://other/env"), null, 400, "TENANT_MOUNT_MISMATCH" },
        { "POST", "/api/secrets/copy", """{"fromUri":"yaml://secret/env","toUri":"openbao+kv2://other/x"}""", 400, "TENANT_MOUNT_MISMATCH" },
        // the operation's URI rules before capability
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://secret/env#MY_API_KEY","versions":[1]}""", 400, "FRAGMENT_NOT_ALLOWED" },
        { "DELETE", "/api/secrets?uri=" + HttpAssertions.Q("yaml://secret/env?version=1") + "&destroy=true", null, 400, "AMBIGUOUS_QUERY" },
        { "POST", "/api/secrets/rotate", """{"uri":"openbao+kv2://secret/order/x?version=1","value":{"k":"v"}}""", 400, "AMBIGUOUS_QUERY" },
        // grammar of a later target before the capability of an earlier one
        { "POST", "/api/secrets/copy", """{"fromUri":"openbao+kv2://secret/order/x","toUri":"yaml://secret//x"}""", 400, "ILLEGAL_SEGMENT" },
        { "POST", "/api/secrets/move", """{"fromUri":"openbao+kv2://secret/order/x","toUri":"yaml://other/x"}""", 400, "TENANT_MOUNT_MISMATCH" },
    };

    [Theory]
    [MemberData(nameof(EarlierCheckWins))]
    public async Task Grammar_tenant_and_uri_rules_are_answered_before_the_providers_501(string method, string path, string? body, int status, string code)
    {
        using var client = host.ClientWith(host.Issuer.Token());

        using var response = await SendAsync(client, method, path, body);

        await response.ShouldBeProblemAsync((HttpStatusCode)status, code);
        (await host.AuditOfAsync(response)).ShouldBeOne(null, "failure", code);
    }

    /// <summary>Requests that are 501 in a host without KVv2 providers, whatever the PEP would say.</summary>
    public static TheoryData<string, string, string?, bool> NotSupportedAnyway => new()
    {
        { "POST", "/api/secrets/undelete", """{"uri":"yaml://secret/env","versions":[1]}""", false },
        { "POST", "/api/secrets/destroy-versions", """{"uri":"yaml://secret/env","versions":[1]}""", false },
        { "GET", "/api/secrets/versions?uri=" + HttpAssertions.Q("yaml://secret/env"), null, false },
        { "POST", "/api/secrets/rotate", """{"uri":"openbao+kv2://secret/order/x","value":{"k":"v"}}""", false },
        { "POST", "/api/secrets/copy", """{"fromUri":"yaml://secret/env","toUri":"openbao+kv2://secret/order/x"}""", false },
        { "POST", "/api/secrets/move", """{"fromUri":"openbao+kv2://secret/order/x","toUri":"yaml://secret/order/dest"}""", false },
        { "POST", "/api/secrets/bulk", """{"operations":[{"op":"undelete","uri":"yaml://secret/env","versions":[1]}]}""", true },
    };

    [Theory]
    [MemberData(nameof(NotSupportedAnyway))]
    public async Task The_capability_check_comes_before_the_PEP_so_a_policy_that_denies_everything_still_gets_501(
        string method, string path, string? body, bool bulk)
    {
        using var denying = new SecretsHostFactory(
            new Dictionary<string, string?>(SecretsHostFactory.WithoutKv2Providers) { ["ENABLE_AUTHORIZATION"] = "true" },
            policies: "version: 1\nrules: []\n");
        using var client = denying.CreateClient();
        using var permitted = await SendAsync(client, "GET", "/api/secrets/value?uri=" + HttpAssertions.Q("yaml://secret/env#MY_API_KEY"), null);
        await permitted.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");   // the policy does deny what reaches the PEP

        using var response = await SendAsync(client, method, path, body);

        if (bulk)
            ShouldBeOnlyResult(await response.ShouldBeOkJsonAsync(), 501, "OPERATION_NOT_SUPPORTED");
        else
            await response.ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        var correlation = AuditProbe.CorrelationId(response);
        (await AuditProbe.EventsAsync(client, "correlation_id=" + correlation)).ShouldBeOne(null, "failure", "OPERATION_NOT_SUPPORTED");
    }

    // ---- helpers ----

    private static string Fill(string template, string uri, bool query) => template.Replace("{U}", query ? HttpAssertions.Q(uri) : uri, StringComparison.Ordinal);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add(AuditProbe.CorrelationHeader, "order-" + Guid.NewGuid().ToString("N"));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A bulk answer with exactly one result: the operation's status and code.</summary>
    private static void ShouldBeOnlyResult(JsonNode body, int status, string code)
    {
        var text = body.ToJsonString();
        var result = body["results"]!.AsArray().ShouldHaveSingleItem(text)!;
        result["status"]!.GetValue<int>().ShouldBe(status, text);
        result["code"]!.GetValue<string>().ShouldBe(code, text);
        body["failed"]!.GetValue<int>().ShouldBe(1, text);
    }
}
