using System.Net;
using Secrets.Testing;

namespace Secrets.Rotation.Tests;

/// <summary>
/// The module's canary tests: a value such as <c>canary-7f3e…</c> is stored, the success
/// and failure paths of rotate, bulk, copy and move are driven with it, and it must not show up in
/// any response of these endpoints (none returns a value), problem body, audit record or log line.
/// </summary>
/// <remarks>
/// The host's Serilog setup writes through the static <c>Log.Logger</c>, which the most recently built
/// host replaces: with hosts running side by side one host's log lines land in another's capture.
/// These tests therefore run alone (their own non-parallel collection), and each builds its second
/// (prod) host only after the first host's requests are done.
/// </remarks>
[Collection(nameof(CanaryCollection))]
public sealed class RotationCanaryTests : IDisposable
{
    private const string Rotate = "/api/secrets/rotate";
    private const string Bulk = "/api/secrets/bulk";
    private const string Copy = "/api/secrets/copy";
    private const string Move = "/api/secrets/move";
    private readonly SecretsHostFactory host = new(SecretsHostFactory.WithoutKv2Providers);   // KVv2 URIs: 501 paths
    private readonly HttpClient client;

    public RotationCanaryTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Rotate_failures_leak_no_value_into_problem_bodies_audit_records_or_logs()
    {
        var canary = Canary.New();
        await (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/canary#k", value = canary })).ShouldBeOkJsonAsync();
        var failures = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { uri = "yaml://secret/canary", value = canary }, HttpStatusCode.BadRequest, "INVALID_VALUE"),
            (new { uri = "yaml://secret/canary#k", value = new { nested = canary } }, HttpStatusCode.BadRequest, "UNSUPPORTED_VALUE"),
            (new { uri = "yaml://other/canary#k", value = canary }, HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH"),
            (new { uri = "yaml://secret/canary#k?version=1", value = canary }, HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY"),
            (new { uri = "openbao+kv2://secret/canary#k", value = canary }, HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED"),
            (new { uri = "yaml://secret/canary#k", value = canary, extra = canary }, HttpStatusCode.BadRequest, "INVALID_REQUEST"),
            (new { uri = "yaml://secret/canary#k", value = canary, version = canary }, HttpStatusCode.BadRequest, "INVALID_REQUEST"),
        };
        var bodies = new List<string>();
        foreach (var (body, status, code) in failures)
        {
            var response = await client.PostJsonAsync(Rotate, body);
            await response.ShouldBeProblemAsync(status, code);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        var broken = await client.PostRawAsync(Rotate, $$"""{"uri":"yaml://secret/canary#k","value":"{{canary}}" """);
        await broken.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        bodies.Add(await broken.Content.ReadAsStringAsync());

        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var refused = await prod.CreateClient().PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = canary });
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        bodies.Add(await refused.Content.ReadAsStringAsync());

        foreach (var body in bodies)
            body.ShouldNotContainCanary(canary, "a problem body");
        var audit = await client.GetStringAsync("/api/secrets/audit?limit=1000");
        audit.ShouldContain("SECRET_ROTATED");
        audit.ShouldNotContainCanary(canary, "the audit buffer");
        host.Logs.AllText().ShouldContain("SECRET_ROTATED");   // the capture saw this host's audit lines
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
        prod.Logs.AllText().ShouldNotContainCanary(canary, "the prod log");
    }

    [Fact]
    public async Task Bulk_results_and_failures_leak_no_value_into_problem_bodies_audit_records_or_logs()
    {
        var canary = Canary.New();
        var texts = new List<string>();
        var ran = await client.PostJsonAsync(Bulk, new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/canary#k", value = canary },
                new { op = "rotate", uri = "yaml://secret/canary#k", value = canary },
                new { op = "set", uri = "yaml://secret/canary", value = new { k = canary } },
                new { op = "set", uri = "yaml://secret/canary2", value = canary },
                new { op = "set", uri = "yaml://secret/canary#nested", value = new { n = canary } },
                new { op = "set", uri = "yaml://other/canary#k", value = canary },
                new { op = "rotate", uri = "yaml://secret/canary#k?version=1", value = canary },
                new { op = "set", uri = "openbao+kv2://secret/canary#k", value = canary },
            },
            continueOnError = true,
        });
        await ran.ShouldBeOkJsonAsync();
        texts.Add(await ran.Content.ReadAsStringAsync());
        foreach (var json in new[]
                 {
                     $$"""{"operations":[{"op":"nope","uri":"yaml://secret/canary#k","value":"{{canary}}"}]}""",
                     $$"""{"operations":[{"op":"set","uri":"yaml://secret/canary#k","value":"{{canary}}","extra":"{{canary}}"}]}""",
                     $$"""{"operations":[{"op":"set","uri":"yaml://secret/canary#k","value":"{{canary}}"}],"continueOnError":"{{canary}}"}""",
                     $$"""{"operations":[{"op":"undelete","uri":"yaml://secret/canary","versions":["{{canary}}"]}]}""",
                     $$"""{"operations":[{"op":"set","uri":"yaml://secret/canary#k","value":"{{canary}}" """,
                 })
        {
            var refused = await client.PostRawAsync(Bulk, json);
            await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
            texts.Add(await refused.Content.ReadAsStringAsync());
        }
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var guarded = await prod.CreateClient().PostJsonAsync(Bulk, new { operations = new[] { new { op = "set", uri = "yaml://secret/canary#k", value = canary } } });
        await guarded.ShouldBeOkJsonAsync();
        texts.Add(await guarded.Content.ReadAsStringAsync());

        foreach (var text in texts)
            text.ShouldNotContainCanary(canary, "a bulk response");
        var audit = await client.GetStringAsync("/api/secrets/audit?limit=1000");
        audit.ShouldContain("SECRET_WRITTEN");
        audit.ShouldNotContainCanary(canary, "the audit buffer");
        host.Logs.AllText().ShouldContain("SECRET_WRITTEN");
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
        prod.Logs.AllText().ShouldNotContainCanary(canary, "the prod log");
    }

    [Fact]
    public async Task Copy_responses_and_failures_leak_no_value_into_problem_bodies_audit_records_or_logs()
    {
        var canary = Canary.New();
        await (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/canary", value = new { k = canary } })).ShouldBeOkJsonAsync();
        var texts = new List<string>();
        var copied = await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/canary", toUri = "yaml://secret/canary-copy" });
        await copied.ShouldBeOkJsonAsync();
        texts.Add(await copied.Content.ReadAsStringAsync());
        var failures = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { fromUri = "yaml://secret/canary", toUri = "yaml://secret/canary-copy" }, HttpStatusCode.Conflict, "DESTINATION_EXISTS"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "yaml://secret/app#db" }, HttpStatusCode.Conflict, "PATH_CONFLICT"),
            (new { fromUri = "yaml://secret/canary", toUri = "yaml://secret/env/MY_API_KEY/below" }, HttpStatusCode.Conflict, "PATH_CONFLICT"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "openbao+kv2://secret/canary#k" }, HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "yaml://other/canary#k" }, HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "yaml://secret/canary" }, HttpStatusCode.BadRequest, "INVALID_REQUEST"),
        };
        foreach (var (body, status, code) in failures)
        {
            var response = await client.PostJsonAsync(Copy, body);
            await response.ShouldBeProblemAsync(status, code);
            texts.Add(await response.Content.ReadAsStringAsync());
        }
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var guarded = await prod.CreateClient().PostJsonAsync(Copy, new { fromUri = "yaml://secret/env", toUri = "yaml://secret/canary" });
        await guarded.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        texts.Add(await guarded.Content.ReadAsStringAsync());

        foreach (var text in texts)
            text.ShouldNotContainCanary(canary, "a copy response");
        var audit = await client.GetStringAsync("/api/secrets/audit?limit=1000");
        audit.ShouldContain("SECRET_COPIED");
        audit.ShouldNotContainCanary(canary, "the audit buffer");
        host.Logs.AllText().ShouldContain("SECRET_COPIED");
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
        prod.Logs.AllText().ShouldNotContainCanary(canary, "the prod log");
    }

    [Fact]
    public async Task Move_responses_and_failures_leak_no_value_into_problem_bodies_audit_records_or_logs()
    {
        var canary = Canary.New();
        await (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/canary", value = new { k = canary, j = canary } })).ShouldBeOkJsonAsync();
        var texts = new List<string>();
        var moved = await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/canary#j", toUri = "yaml://secret/canary-moved#j" });
        await moved.ShouldBeOkJsonAsync();
        texts.Add(await moved.Content.ReadAsStringAsync());
        var failures = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (new { fromUri = "yaml://secret/canary#k", toUri = "yaml://secret/canary-moved#j" }, HttpStatusCode.Conflict, "DESTINATION_EXISTS"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "yaml://secret/app#db" }, HttpStatusCode.Conflict, "PATH_CONFLICT"),
            (new { fromUri = "yaml://secret/canary#k", toUri = "openbao+kv2://secret/canary#k" }, HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED"),
            (new { fromUri = "yaml://secret/canary", toUri = "yaml://other/canary" }, HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH"),
        };
        foreach (var (body, status, code) in failures)
        {
            var response = await client.PostJsonAsync(Move, body);
            await response.ShouldBeProblemAsync(status, code);
            texts.Add(await response.Content.ReadAsStringAsync());
        }
        (await client.ReadValueAsync("yaml://secret/canary#k"))!.GetValue<string>().ShouldBe(canary);   // every refused move left it

        foreach (var text in texts)
            text.ShouldNotContainCanary(canary, "a move response");
        var audit = await client.GetStringAsync("/api/secrets/audit?limit=1000");
        audit.ShouldContain("SECRET_MOVED");
        audit.ShouldNotContainCanary(canary, "the audit buffer");
        host.Logs.AllText().ShouldContain("SECRET_MOVED");
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
    }
}
