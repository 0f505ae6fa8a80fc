using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Scopes;

/// <summary>
/// Copy needs secrets.read + secrets.write, move also secrets.delete, bulk each operation's own scope
/// (docs/AUTHENTICATION.md#scopes) — with SECRETS_ENFORCE_SCOPES=true on the real dev host.
/// </summary>
public sealed class ScopeRelocationAndBulkTests(ScopeEnforcingHost host) : IClassFixture<ScopeEnforcingHost>
{
    private static string Copy(ScopeFixture f) => $$"""{"fromUri":"{{f.Yaml}}","toUri":"{{f.Yaml}}-dest"}""";

    private async Task<HttpStatusCode> ValueStatusAsync(string uri)
    {
        using var reader = host.ClientWith(host.TokenWith("secrets.read"));
        using var response = await reader.GetAsync("/api/secrets/value?uri=" + HttpAssertions.Q(uri));
        return response.StatusCode;
    }

    [Fact]
    public async Task Copy_with_only_secrets_read_is_403_naming_secrets_write_and_the_destination_is_not_created()
    {
        var f = await host.ArrangeAsync();
        using var client = host.ClientWith(host.TokenWith("secrets.read"));

        using var response = await client.PostRawAsync("/api/secrets/copy", Copy(f));

        await response.ShouldBeScopeRefusalAsync("secrets.write");
        (await ValueStatusAsync(f.Yaml + "-dest")).ShouldBe(HttpStatusCode.NotFound);
        (await host.AuditOfAsync(response)).ShouldBeOneScopeDenial("write");
    }

    [Fact]
    public async Task Copy_with_only_secrets_write_is_403_naming_secrets_read_and_the_destination_is_not_created()
    {
        var f = await host.ArrangeAsync();
        using var client = host.ClientWith(host.TokenWith("secrets.write"));

        using var response = await client.PostRawAsync("/api/secrets/copy", Copy(f));

        await response.ShouldBeScopeRefusalAsync("secrets.read");
        (await ValueStatusAsync(f.Yaml + "-dest")).ShouldBe(HttpStatusCode.NotFound);
        (await host.AuditOfAsync(response)).ShouldBeOneScopeDenial("read");
    }

    [Fact]
    public async Task Move_with_read_and_write_but_no_delete_is_403_naming_secrets_delete_and_the_source_stays()
    {
        var f = await host.ArrangeAsync();
        var before = await File.ReadAllTextAsync(host.YamlPath);
        using var client = host.ClientWith(host.TokenWith("secrets.read", "secrets.write"));

        using var response = await client.PostRawAsync("/api/secrets/move", Copy(f));

        await response.ShouldBeScopeRefusalAsync("secrets.delete");
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await ValueStatusAsync(f.Yaml + "#k")).ShouldBe(HttpStatusCode.OK);
        (await ValueStatusAsync(f.Yaml + "-dest")).ShouldBe(HttpStatusCode.NotFound);
        (await host.AuditOfAsync(response)).ShouldBeOneScopeDenial("delete");
    }

    private async Task<(JsonNode Body, HttpResponseMessage Response)> BulkAsync(ScopeFixture f, bool continueOnError, params string[] ops)
    {
        var operations = ops.Select(op => op switch
        {
            "set" => $$"""{"op":"set","uri":"{{f.Yaml}}-new#k","value":"written"}""",
            _ => $$"""{"op":"delete","uri":"{{f.Yaml}}"}""",
        });
        var json = $$"""{"operations":[{{string.Join(',', operations)}}],"continueOnError":{{(continueOnError ? "true" : "false")}}}""";
        var client = host.ClientWith(host.TokenWith("secrets.write"));
        var response = await client.PostRawAsync("/api/secrets/bulk", json);
        var body = await response.ShouldBeOkJsonAsync();
        return (body, response);
    }

    private static void ShouldBe(JsonNode result, int index, string op, int status, string? code)
    {
        var text = result.ToJsonString();
        result["index"]!.GetValue<int>().ShouldBe(index, text);
        result["op"]!.GetValue<string>().ShouldBe(op, text);
        result["status"]!.GetValue<int>().ShouldBe(status, text);
        result["code"]?.GetValue<string>().ShouldBe(code, text);
        if (code is null)
            result["code"].ShouldBeNull(text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bulk_set_then_delete_with_only_secrets_write_sets_and_refuses_the_delete(bool continueOnError)
    {
        var f = await host.ArrangeAsync();

        var (body, response) = await BulkAsync(f, continueOnError, "set", "delete");

        var results = body["results"]!.AsArray();
        results.Count.ShouldBe(2, body.ToJsonString());
        ShouldBe(results[0]!, 0, "set", 200, null);
        ShouldBe(results[1]!, 1, "delete", 403, "INSUFFICIENT_SCOPE");
        body["succeeded"]!.GetValue<int>().ShouldBe(1);
        body["failed"]!.GetValue<int>().ShouldBe(1);
        if (continueOnError)
            body["stoppedAt"].ShouldBeNull(body.ToJsonString());
        else
            body["stoppedAt"]!.GetValue<int>().ShouldBe(1, body.ToJsonString());
        (await ValueStatusAsync(f.Yaml + "-new#k")).ShouldBe(HttpStatusCode.OK);
        (await ValueStatusAsync(f.Yaml + "#k")).ShouldBe(HttpStatusCode.OK);    // not deleted
        var audit = await host.AuditOfAsync(response);
        var denials = audit.Where(e => e["event_type"]!.GetValue<string>() == "AUTHZ_DENIED").ToList();
        denials.ShouldBeOneScopeDenial("delete");
        audit.Count(e => e["event_type"]!.GetValue<string>() == "SECRET_WRITTEN" && e["effect"]!.GetValue<string>() == "success").ShouldBe(1);
        audit.Count.ShouldBe(2, string.Join('\n', audit.Select(e => e.ToJsonString())));
    }

    [Fact]
    public async Task Bulk_delete_then_set_with_continueOnError_false_stops_at_the_refused_delete_and_sets_nothing()
    {
        var f = await host.ArrangeAsync();

        var (body, response) = await BulkAsync(f, continueOnError: false, "delete", "set");

        var results = body["results"]!.AsArray();
        results.Count.ShouldBe(1, body.ToJsonString());
        ShouldBe(results[0]!, 0, "delete", 403, "INSUFFICIENT_SCOPE");
        body["stoppedAt"]!.GetValue<int>().ShouldBe(0);
        body["succeeded"]!.GetValue<int>().ShouldBe(0);
        body["failed"]!.GetValue<int>().ShouldBe(1);
        (await ValueStatusAsync(f.Yaml + "-new#k")).ShouldBe(HttpStatusCode.NotFound);
        (await ValueStatusAsync(f.Yaml + "#k")).ShouldBe(HttpStatusCode.OK);
        (await host.AuditOfAsync(response)).ShouldBeOneScopeDenial("delete");
    }

    /// <summary>Each bulk operation needs its own scope: without it 403 INSUFFICIENT_SCOPE in its result, with only it success.</summary>
    [Theory]
    [InlineData("set", """{"op":"set","uri":"{Y#k}","value":"x"}""", "secrets.write", 200)]
    [InlineData("delete", """{"op":"delete","uri":"{K}"}""", "secrets.delete", 204)]
    [InlineData("undelete", """{"op":"undelete","uri":"{K}","versions":[1]}""", "secrets.delete", 204)]
    [InlineData("destroy", """{"op":"destroy","uri":"{K}","versions":[1]}""", "secrets.destroy", 204)]
    [InlineData("destroy", """{"op":"destroy","uri":"{K}"}""", "secrets.destroy", 204)]
    [InlineData("rotate", """{"op":"rotate","uri":"{Y#k}","value":"r"}""", "secrets.rotate", 200)]
    public async Task Bulk_operation_needs_its_own_scope(string op, string operation, string scope, int successStatus)
    {
        var f = await host.ArrangeAsync();
        var json = f.Fill($$"""{"operations":[{{operation}}],"continueOnError":true}""", query: false);

        var before = await host.StoredStateAsync(f);
        using var refused = host.ClientWith(host.TokenWithout(scope));
        using var refusedResponse = await refused.PostRawAsync("/api/secrets/bulk", json);
        var refusedBody = await refusedResponse.ShouldBeOkJsonAsync();
        ShouldBe(refusedBody["results"]![0]!, 0, op, 403, "INSUFFICIENT_SCOPE");
        (await host.StoredStateAsync(f)).ShouldBe(before);
        (await host.AuditOfAsync(refusedResponse)).ShouldBeOneScopeDenial();

        using var allowed = host.ClientWith(host.TokenWith(scope));
        using var allowedResponse = await allowed.PostRawAsync("/api/secrets/bulk", json);
        var allowedBody = await allowedResponse.ShouldBeOkJsonAsync();
        ShouldBe(allowedBody["results"]![0]!, 0, op, successStatus, null);
    }
}
