using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// Both KVv2 schemes reach the one embedded server; the tenant guard answers before any provider
/// call; a canary value never leaves through problems, audit or logs.
/// </summary>
public sealed class Kv2EndToEndGuardAndCanaryTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    [Fact]
    public async Task Openbao_and_hashicorp_kv2_reach_the_same_embedded_server()
    {
        var path = NewPath("schemes");
        (await WriteAsync(Ob(path), new { k = "from-openbao" })).ShouldBe(1);

        var read = await ReadValueAsync(Hc(path, "k"));
        Str((await read.ShouldBeOkJsonAsync())["value"]).ShouldBe("from-openbao");
        var audited = await AuditedAsync(read, "SECRET_READ", "success", "execute");
        Str(audited["provider"]).ShouldBe("hashicorp");
        KvVersion(audited).ShouldBe(1);

        (await WriteAsync(Hc(path, "k"), "from-hashicorp")).ShouldBe(2);
        Str((await (await ReadValueAsync(Ob(path, "k"))).ShouldBeOkJsonAsync())["value"]).ShouldBe("from-hashicorp");
        Str((await RawDataAsync(path)).Data["data"]!["k"]).ShouldBe("from-hashicorp");
        Host.ProviderRequests.ShouldContain($"POST /v1/secret/data/{path}");
    }

    [Fact]
    public async Task Tenant_guard_answers_400_before_any_provider_call_for_every_kv2_endpoint()
    {
        const string other = "openbao+kv2://other/x";
        await WriteAsync(Ob(NewPath("warmup")), new { k = "v" });   // the recorder sees provider calls at all
        Host.ProviderRequests.ShouldNotBeEmpty();
        var before = Host.ProviderRequests.Count;

        var responses = new List<HttpResponseMessage>
        {
            await Client.PostJsonAsync("/api/secrets", new { uri = other, value = new { k = "v" } }),
            await Client.PostJsonAsync("/api/secrets", new { uri = "hashicorp+kv2://other/x#k", value = "v" }),
            await ReadValueAsync(other + "#k"),
            await ReadValueAsync(other + "#k", 1),
            await Client.GetAsync($"/api/secrets?uri={Q(other)}"),
            await Client.DeleteAsync($"/api/secrets?uri={Q(other)}"),
            await Client.DeleteAsync($"/api/secrets?uri={Q(other)}&destroy=true"),
            await Client.PostJsonAsync("/api/secrets/rotate", new { uri = other + "#k", value = "v" }),
            await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(other)}"),
            await Client.GetAsync($"/api/secrets/versions?uri={Q(other)}"),
            await Client.PostJsonAsync("/api/secrets/undelete", new { uri = other, versions = new[] { 1 } }),
            await Client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = other, versions = new[] { 1 } }),
            await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = other, owner = "mallory" }),
            await Client.GetAsync($"/api/secrets/keys?uri={Q("openbao+kv2://other")}"),
            await Client.GetAsync($"/api/secrets/metadata?prefix={Q("openbao+kv2://other/*")}"),
            await Client.GetAsync($"/api/secrets/search?q=x&prefix={Q("openbao+kv2://other/*")}"),
            await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob("e2e/nothing"), toUri = other }),
            await Client.PostJsonAsync("/api/secrets/move", new { fromUri = other, toUri = Ob("e2e/nothing") }),
        };

        foreach (var response in responses)
            await ProblemAsync(response, HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");
        var bulk = await OkAsync(await Client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[] { new { op = "set", uri = other, value = new { k = "v" } }, new { op = "undelete", uri = other, versions = new[] { 1 } } },
            continueOnError = true,
        }));
        bulk["results"]!.AsArray().Select(r => Str(r!["code"])).ShouldBe(["TENANT_MOUNT_MISMATCH", "TENANT_MOUNT_MISMATCH"]);

        var sent = Host.ProviderRequests.Skip(before).Where(r => !r.Contains("/v1/sys/") && !r.Contains("/v1/auth/")).ToList();
        sent.ShouldBeEmpty();
        Host.ProviderRequests.ShouldAllBe(r => !r.Contains("/other"));
        (await RawGetAsync("other/data/x")).Status.ShouldNotBe(HttpStatusCode.OK);
        var audited = await AuditAsync(responses[0]);
        Str(audited.Single()["error_code"]).ShouldBe("TENANT_MOUNT_MISMATCH");
    }

    [Fact]
    public async Task A_kv2_canary_never_appears_in_problems_audit_or_logs_but_value_reads_return_it()
    {
        var secret = Guid.NewGuid().ToString("N");   // what must never leak (paths and URIs are not secret)
        var canary = "canary-" + secret;
        var path = NewPath("leak");
        var copy = NewPath("leakcopy");
        (await WriteAsync(Ob(path), new { token = canary, other = "x" })).ShouldBe(1);
        (await WriteAsync(Ob(path, "token"), canary + "-2")).ShouldBe(2);

        // the successful value reads return it
        Str((await (await ReadValueAsync(Ob(path, "token"), 1)).ShouldBeOkJsonAsync())["value"]).ShouldBe(canary);
        Str((await (await ReadValueAsync(Hc(path))).ShouldBeOkJsonAsync())["value"]!["token"]).ShouldBe(canary + "-2");

        // failure paths, each with the canary in the request where a request can carry it
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path), value = new { token = canary }, cas = 0 }), HttpStatusCode.Conflict, "CAS_MISMATCH");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path), value = canary }), HttpStatusCode.BadRequest, "INVALID_VALUE");
        await ProblemAsync(await Client.PostRawAsync("/api/secrets", $$"""{"uri":"{{Ob(path)}}","value":{"token":"{{canary}}"},"cas":"{{canary}}"}"""), HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await ProblemAsync(await Client.PostRawAsync("/api/secrets", $$"""{"uri":"{{Ob(path)}}","value":{"token":"{{canary}}"},"{{canary}}":1}"""), HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://other/x", value = new { token = canary } }), HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/rotate", new { uri = Ob(NewPath("nothing"), "token"), value = canary }), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "missing")), HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "token"), 7), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await Client.GetAsync($"/api/secrets?uri={Q(Ob(path, "token"))}"), HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        await OkAsync(await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(path), toUri = Ob(copy) }));
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(path), toUri = Ob(copy) }), HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/move", new { fromUri = Ob(path, "token"), toUri = "yaml://secret/env#OTHER" }), HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await NoContentAsync(await Client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = Ob(path), versions = new[] { 1 } }));
        await ProblemAsync(await ReadValueAsync(Ob(path, "token"), 1), HttpStatusCode.Conflict, "VERSION_DESTROYED");
        await NoContentAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path))}"));
        await ProblemAsync(await ReadValueAsync(Ob(path, "token"), 2), HttpStatusCode.Conflict, "VERSION_DELETED");
        await ProblemAsync(await ReadValueAsync(Ob(path, "token")), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await NoContentAsync(await Client.PostJsonAsync("/api/secrets/undelete", new { uri = Ob(path), versions = new[] { 2 } }));
        await NoContentAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path, "other"))}"));
        await OkAsync(await Client.PostJsonAsync("/api/secrets/rotate", new { uri = Ob(path, "token"), value = canary + "-3" }));

        // metadata paths: no values either
        await OkAsync(await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Ob(path))}"));
        await OkAsync(await Client.GetAsync($"/api/secrets/versions?uri={Q(Ob(path))}"));
        await OkAsync(await Client.GetAsync($"/api/secrets/keys?uri={Q(Ob(path[..path.LastIndexOf('/')]))}"));
        await OkAsync(await Client.GetAsync($"/api/secrets/metadata?prefix={Q(Ob(path))}"));
        await OkAsync(await Client.GetAsync($"/api/secrets/search?q=canary&prefix={Q(Ob("e2e/*"))}"));
        await OkAsync(await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = Ob(path), owner = "someone" }));
        await OkAsync(await Client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[]
            {
                new { op = "set", uri = Ob(path), value = canary },
                new { op = "rotate", uri = Ob(NewPath("nothing"), "t"), value = canary },
                new { op = "set", uri = "openbao+kv2://other/x#t", value = canary },
                new { op = "set", uri = Ob(path, "token"), value = canary + "-4" },
            },
            continueOnError = true,
        }));
        Str((await (await ReadValueAsync(Ob(path, "token"))).ShouldBeOkJsonAsync())["value"]).ShouldBe(canary + "-4");

        Bodies.Count.ShouldBeGreaterThan(20);
        Bodies.ShouldAllBe(b => !b.Contains(secret));
        var audit = (await AuditProbe.EventsAsync(Client)).Select(e => e.ToJsonString()).ToList();
        audit.Count.ShouldBeGreaterThan(30);
        audit.ShouldAllBe(e => !e.Contains(secret));
        Host.Logs.Events.ShouldNotBeEmpty();
        Host.Logs.AllText().ShouldNotContain(secret);
    }
}
