namespace Secrets.Host.Tests.Scopes;

/// <summary>SECRETS_ENFORCE_SCOPES at its dev default (false): a valid token without any scope may use every endpoint.</summary>
public sealed class ScopeNotEnforcedTests(ScopeLenientHost host) : IClassFixture<ScopeLenientHost>
{
    [Theory]
    [InlineData("GET", "/api/secrets/value?uri={Y#k}", null, 200)]
    [InlineData("POST", "/api/secrets", """{"uri":"{Y}","value":{"k":"new"}}""", 200)]
    [InlineData("DELETE", "/api/secrets?uri={K}&destroy=true", null, 204)]
    [InlineData("POST", "/api/secrets/metadata/owner", """{"uri":"{K}","owner":"team-b"}""", 200)]
    [InlineData("POST", "/api/secrets/move", """{"fromUri":"{Y}","toUri":"{Y2}"}""", 200)]
    [InlineData("GET", "/api/secrets/versions?uri={K}", null, 200)]
    [InlineData("GET", "/api/secrets/audit", null, 200)]
    public async Task A_token_without_scopes_is_not_refused(string method, string path, string? body, int status)
    {
        var f = await host.ArrangeAsync();
        using var client = host.ClientWith(host.TokenWith());

        using var response = await ScopeRequests.SendAsync(client, f, method, path, body);

        ((int)response.StatusCode).ShouldBe(status, await response.Content.ReadAsStringAsync());
    }
}
