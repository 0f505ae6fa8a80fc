using System.Net;
using System.Text;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// A canary secret value, once stored, is driven through every failure path of the API; it must
/// never appear in a problem body, a log event (messages, properties, exceptions) or an audit record.
/// </summary>
public sealed class CanaryTests : IDisposable
{
    private const string Canary = "canary-5f1c9e7a2b4d";
    private readonly SecretsHostFactory host = new(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "4096" });
    private readonly HttpClient client;
    private readonly List<string> bodies = [];

    public CanaryTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    private async Task Expect(Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        bodies.Add(text);
    }

    [Fact]
    public async Task The_canary_never_leaks_through_errors_logs_or_audit()
    {
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/canary", value = new { k = Canary } }), HttpStatusCode.OK);
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/target", value = new { k = "other" } }), HttpStatusCode.OK);

        // reads that fail
        await Expect(client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/canary#nope")}"), HttpStatusCode.NotFound);
        await Expect(client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/canary#k")}&version=3"), HttpStatusCode.NotImplemented);
        await Expect(client.GetAsync($"/api/secrets?uri={Q("yaml://secret/canary#nope")}"), HttpStatusCode.NotFound);
        await Expect(client.GetAsync($"/api/secrets/metadata/detail?uri={Q("yaml://secret/canary")}"), HttpStatusCode.NotImplemented);
        await Expect(client.GetAsync($"/api/secrets/versions?uri={Q("yaml://secret/canary")}"), HttpStatusCode.NotImplemented);

        // writes carrying the canary that fail
        await Expect(client.PostRawAsync("/api/secrets", $$"""{"uri":"yaml://secret/x","value":{"k":"v"},"{{Canary}}":1}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", $$"""{"uri":"yaml://secret/x","value":{"k":"v"},"extra":"{{Canary}}"}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", $$$"""{"uri":["{{{Canary}}}"],"value":{"k":"v"}}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", $$"""{"uri":"yaml://secret/x","value":{"k":"{{Canary}}"}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", $$"""{"uri":"yaml://secret/x","value":"{{Canary}}"}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", "{\"uri\":\"yaml://secret/x\",\"value\":{\"k\":{\"deep\":\"" + Canary + "\"}}}"), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", $$"""{"uri":"yaml://secret/x","value":{"k":"{{Canary}}"},"cas":"{{Canary}}"}"""), HttpStatusCode.BadRequest);
        await Expect(client.PostRawAsync("/api/secrets", "{\"uri\":\"yaml://secret/x\",\"value\":{\"k\":\"" + Canary + new string('x', 5000) + "\"}}"), HttpStatusCode.RequestEntityTooLarge);
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "yaml://elsewhere/x", value = new { k = Canary } }), HttpStatusCode.BadRequest);
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/canary/k/below", value = new { k = Canary } }), HttpStatusCode.Conflict);
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/x", value = new { k = Canary } }), HttpStatusCode.OK);   // the embedded KVv2 server
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/x", value = new { k = Canary }, cas = 0 }), HttpStatusCode.Conflict);
        await Expect(client.GetAsync($"/api/secrets/value?uri={Q("openbao+kv2://secret/x#k")}&version=9"), HttpStatusCode.NotFound);
        await Expect(client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = "openbao+kv2://secret/x", versions = new[] { 1 } }), HttpStatusCode.NoContent);
        await Expect(client.GetAsync($"/api/secrets/value?uri={Q("openbao+kv2://secret/x#k")}&version=1"), HttpStatusCode.Conflict);
        await Expect(client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/x", value = new { k = Canary }, cas = 1 }), HttpStatusCode.NotImplemented);
        await Expect(client.PostJsonAsync("/api/secrets/rotate", new { uri = "yaml://secret/a//b", value = Canary }), HttpStatusCode.BadRequest);
        await Expect(client.PostJsonAsync("/api/secrets/rotate", new { uri = "hashicorp+kv2://secret/nothing#k", value = Canary }), HttpStatusCode.NotFound);
        await Expect(client.PostRawAsync("/api/secrets/rotate", "{\"uri\":\"yaml://secret/x#k\",\"value\":\"" + Canary + "\""), HttpStatusCode.BadRequest);

        // relocation and bulk failures around the canary secret
        await Expect(client.PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/canary", toUri = "yaml://secret/target", overwrite = false }), HttpStatusCode.Conflict);
        await Expect(client.PostJsonAsync("/api/secrets/move", new { fromUri = "yaml://secret/canary", toUri = "yaml://elsewhere/t", overwrite = false }), HttpStatusCode.BadRequest);
        await Expect(client.PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/canary#k", toUri = "yaml://secret/target", overwrite = true }), HttpStatusCode.BadRequest);
        await Expect(client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/a//b", value = Canary },
                new { op = "set", uri = "yaml://secret/canary/k/x", value = new { k = Canary } },
                new { op = "undelete", uri = "yaml://secret/canary", versions = new[] { 1 } },
                new { op = "destroy", uri = "yaml://secret/canary" },
            },
            continueOnError = true,
        }), HttpStatusCode.OK);
        await Expect(client.PostRawAsync("/api/secrets/bulk", $$"""{"operations":[{"op":"explode","uri":"yaml://secret/x","value":"{{Canary}}"}]}"""), HttpStatusCode.BadRequest);
        await Expect(client.DeleteAsync($"/api/secrets?uri={Q("yaml://secret/canary")}&destroy=true"), HttpStatusCode.NotImplemented);
        await Expect(client.PostJsonAsync("/api/secrets/undelete", new { uri = "yaml://secret/canary", versions = new[] { 1 } }), HttpStatusCode.NotImplemented);

        // listings never carry values either
        await Expect(client.GetAsync($"/api/secrets/metadata?prefix={Q("yaml://secret/*")}"), HttpStatusCode.OK);
        await Expect(client.GetAsync($"/api/secrets/search?q=canary&prefix={Q("yaml://secret/*")}"), HttpStatusCode.OK);
        await Expect(client.GetAsync($"/api/secrets/keys?uri={Q("yaml://secret/canary")}"), HttpStatusCode.NotFound);
        await Expect(client.GetAsync("/api/secrets/audit?limit=1000"), HttpStatusCode.OK);

        var stored = await (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/canary#k")}")).ShouldBeOkJsonAsync();
        stored["value"]!.GetValue<string>().ShouldBe(Canary);   // it is there, and intact

        bodies.Count.ShouldBeGreaterThan(30);
        foreach (var body in bodies)
            body.ShouldNotContain(Canary);
        host.Logs.Events.Count.ShouldBeGreaterThan(30);
        host.Logs.AllText().ShouldNotContain(Canary);
        (await AuditProbe.EventsAsync(client)).Select(e => e.ToJsonString()).ShouldAllBe(e => !e.Contains(Canary));
    }

    [Fact]
    public async Task Under_the_prod_profile_the_guarded_write_does_not_leak_the_canary()
    {
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var prodClient = prod.CreateClient();

        var response = await prodClient.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/env#k", value = Canary });

        var body = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        body.ToJsonString().ShouldNotContain(Canary);
        prod.Logs.AllText().ShouldNotContain(Canary);
        prod.Logs.AllText().ShouldContain("ENVIRONMENT_GUARD");
    }

    [Fact]
    public void Secret_holders_never_reveal_themselves_as_text()
    {
        var value = Shared.Kernel.SecretValue.Of(Canary);
        var map = Shared.Kernel.SecretMap.Of("k", Canary);
        value.ToString().ShouldBe("[redacted]");
        map.ToString().ShouldBe("[redacted]");
        $"{value} {map}".ShouldNotContain(Canary);
        new StringBuilder().Append(value).Append(map).ToString().ShouldNotContain(Canary);
    }
}
