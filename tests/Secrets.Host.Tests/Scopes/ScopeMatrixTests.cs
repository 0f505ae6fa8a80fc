using System.Net;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Scopes;

/// <summary>
/// The scope column of docs/API.md#endpoints, endpoint by endpoint, on the real dev host (YAML file and embedded KVv2 server)
/// with SECRETS_API_REQUIRE_AUTH=true and SECRETS_ENFORCE_SCOPES=true: a token with every scope but the
/// required one is refused 403 INSUFFICIENT_SCOPE (challenge and detail name the scope), nothing stored
/// changes, purposed endpoints audit the refusal once as AUTHZ_DENIED; a token with only the needed
/// scope(s) gets the endpoint's success status.
/// </summary>
public sealed class ScopeMatrixTests(ScopeEnforcingHost host) : IClassFixture<ScopeEnforcingHost>
{
    /// <summary>
    /// name, method, path, body, the scope the "all but" token lacks, the scopes the success token holds (space-separated),
    /// success status, audited purpose (null: not a purposed endpoint, no audit expected).
    /// </summary>
    public static TheoryData<string, string, string, string?, string, string, int, string?> Rows => new()
    {
        { "write yaml", "POST", "/api/secrets", """{"uri":"{Y}","value":{"k":"new"}}""", "secrets.write", "secrets.write", 200, "write" },
        { "write yaml fragment", "POST", "/api/secrets", """{"uri":"{Y#k}","value":"new"}""", "secrets.write", "secrets.write", 200, "write" },
        { "write kv2", "POST", "/api/secrets", """{"uri":"{K}","value":{"k":"new"}}""", "secrets.write", "secrets.write", 200, "write" },
        { "read yaml map", "GET", "/api/secrets?uri={Y}", null, "secrets.read", "secrets.read", 200, "read" },
        { "read yaml fragment", "GET", "/api/secrets?uri={Y#k}", null, "secrets.read", "secrets.read", 200, "read" },
        { "value yaml", "GET", "/api/secrets/value?uri={Y#k}", null, "secrets.read", "secrets.read", 200, "execute" },
        { "value kv2 pinned", "GET", "/api/secrets/value?uri={K#k}&version=2", null, "secrets.read", "secrets.read", 200, "execute" },
        { "soft delete yaml", "DELETE", "/api/secrets?uri={Y}", null, "secrets.delete", "secrets.delete", 204, "delete" },
        { "soft delete yaml key", "DELETE", "/api/secrets?uri={Y#other}", null, "secrets.delete", "secrets.delete", 204, "delete" },
        { "soft delete kv2", "DELETE", "/api/secrets?uri={K}&destroy=false", null, "secrets.delete", "secrets.delete", 204, "delete" },
        { "destroy all kv2", "DELETE", "/api/secrets?uri={K}&destroy=true", null, "secrets.destroy", "secrets.destroy", 204, "destroy_versions" },
        { "rotate yaml key", "POST", "/api/secrets/rotate", """{"uri":"{Y#k}","value":"rotated"}""", "secrets.rotate", "secrets.rotate", 200, "rotate" },
        { "rotate kv2", "POST", "/api/secrets/rotate", """{"uri":"{K}","value":{"k":"rotated"}}""", "secrets.rotate", "secrets.rotate", 200, "rotate" },
        { "metadata yaml", "GET", "/api/secrets/metadata?prefix={YS}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "metadata kv2", "GET", "/api/secrets/metadata?prefix={KS}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "keys yaml", "GET", "/api/secrets/keys?uri={YP}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "keys kv2", "GET", "/api/secrets/keys?uri={KP}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "metadata detail kv2", "GET", "/api/secrets/metadata/detail?uri={K}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "versions kv2", "GET", "/api/secrets/versions?uri={K}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "undelete kv2", "POST", "/api/secrets/undelete", """{"uri":"{K}","versions":[1]}""", "secrets.delete", "secrets.delete", 204, "undelete" },
        { "destroy versions kv2", "POST", "/api/secrets/destroy-versions", """{"uri":"{K}","versions":[1]}""", "secrets.destroy", "secrets.destroy", 204, "destroy_versions" },
        { "set owner kv2", "POST", "/api/secrets/metadata/owner", """{"uri":"{K}","owner":"team-b"}""", "secrets.set_owner", "secrets.set_owner", 200, "owner_update" },
        { "search yaml", "GET", "/api/secrets/search?q=k&prefix={YS}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "search kv2", "GET", "/api/secrets/search?q=k&prefix={KS}", null, "secrets.read_metadata", "secrets.read_metadata", 200, "read_metadata" },
        { "copy yaml, no read", "POST", "/api/secrets/copy", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.read", "secrets.read secrets.write", 200, "read" },
        { "copy yaml, no write", "POST", "/api/secrets/copy", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.write", "secrets.read secrets.write", 200, "write" },
        { "copy kv2, no write", "POST", "/api/secrets/copy", """{"fromUri":"{K}","toUri":"{K2}"}""", "secrets.write", "secrets.read secrets.write", 200, "write" },
        { "move yaml, no read", "POST", "/api/secrets/move", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.read", "secrets.read secrets.write secrets.delete", 200, "read" },
        { "move yaml, no write", "POST", "/api/secrets/move", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.write", "secrets.read secrets.write secrets.delete", 200, "write" },
        { "move yaml, no delete", "POST", "/api/secrets/move", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.delete", "secrets.read secrets.write secrets.delete", 200, "delete" },
        { "backup kv2", "POST", "/api/secrets/admin/backup", """{"prefix":"{KS}"}""", "secrets.admin", "secrets.admin", 200, "backup" },
        { "backup yaml", "POST", "/api/secrets/admin/backup", """{"prefix":"{YS}"}""", "secrets.admin", "secrets.admin", 200, "backup" },
        { "audit buffer", "GET", "/api/secrets/audit", null, "secrets.read_metadata", "secrets.read_metadata", 200, null },
        { "events stream", "GET", "/api/secrets/events", null, "secrets.read_metadata", "secrets.read_metadata", 200, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Without_the_scope_403_nothing_changes_and_one_AUTHZ_DENIED(
        string name, string method, string path, string? body, string scope, string successScopes, int successStatus, string? purpose)
    {
        _ = (name, successScopes, successStatus);
        var f = await host.ArrangeAsync();
        var before = await host.StoredStateAsync(f);
        using var client = host.ClientWith(host.TokenWithout(scope));

        using var response = await ScopeRequests.SendAsync(client, f, method, path, body);

        await response.ShouldBeScopeRefusalAsync(scope);
        (await host.StoredStateAsync(f)).ShouldBe(before, $"{name}: stored state changed");
        var audit = await host.AuditOfAsync(response);
        if (purpose is null)
            audit.ShouldBeEmpty();
        else
            audit.ShouldBeOneScopeDenial(purpose);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task With_only_the_needed_scopes_the_endpoint_succeeds(
        string name, string method, string path, string? body, string scope, string successScopes, int successStatus, string? purpose)
    {
        _ = (scope, purpose);
        var f = await host.ArrangeAsync();
        using var client = host.ClientWith(host.TokenWith(successScopes.Split(' ')));

        using var response = await ScopeRequests.SendAsync(client, f, method, path, body);

        var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(stream)" : await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(successStatus, $"{name}: {text}");
        response.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden);
    }
}
