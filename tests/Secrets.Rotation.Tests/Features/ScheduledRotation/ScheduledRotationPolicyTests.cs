using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// With authorization on, the scheduler is a caller like any other (<c>rotation-scheduler</c>): a policy that does not
/// permit it to rotate stops the run, which is audited as a deny; and the schedule listing shows a caller only the
/// schedules whose URI it may use for <c>read_metadata</c>.
/// </summary>
public sealed class ScheduledRotationPolicyTests
{
    private static readonly Dictionary<string, string?> Authorized = new() { ["ENABLE_AUTHORIZATION"] = "true" };

    /// <summary>Anonymous (the tests' caller) may do anything under <c>secret/visible/</c>; the scheduler may rotate anywhere — or not at all.</summary>
    private static string Policies(bool schedulerMayRotate) => """
        version: 1
        rules:
          - id: people
            subjects: ["anonymous"]
            resources: ["openbao+kv2://secret/visible/*"]
            purposes: ["*"]
        """ + (schedulerMayRotate ? """

          - id: scheduler
            subjects: ["rotation-scheduler"]
            resources: ["openbao+kv2://secret/*"]
            purposes: ["rotate"]
        """ : "");

    [Fact]
    public async Task A_run_the_policy_denies_is_audited_as_a_deny_changes_nothing_and_shows_its_code()
    {
        const string name = "denied";
        var path = "openbao+kv2://secret/visible/denied-" + Guid.NewGuid().ToString("N")[..8];
        using var host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule(name, path + "#k"), Authorized, Policies(schedulerMayRotate: false));
        var client = host.CreateClient();
        (await client.SeedAsync(path, new { k = "kept" })).EnsureSuccessStatusCode();

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync(name) is not null, "the run was recorded");

        (await client.KeyAsync(path + "#k")).ShouldBe((1, "kept"));
        var lastRun = (await client.LastRunAsync(name))!;
        (lastRun.Str("outcome"), lastRun.Str("error_code"), lastRun["version"]).ShouldBe(("deny", "SECRET_AUTHZ_FAILED", (JsonNode?)null));
        var audited = (await client.RunsAuditedAsync(name)).ShouldHaveSingleItem();
        var text = audited.ToJsonString();
        (audited.Str("event_type"), audited.Str("effect"), audited.Str("error_code")).ShouldBe(("AUTHZ_DENIED", "deny", "SECRET_AUTHZ_FAILED"), text);
        (audited.Str("subject"), audited.Str("purpose"), audited.Str("resource_ref")).ShouldBe(("rotation-scheduler", "rotate", Api.ResourceRef(path + "#k")), text);
    }

    [Fact]
    public async Task The_listing_shows_next_and_last_run_of_the_schedules_the_caller_may_read_metadata_of()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var visible = $"openbao+kv2://secret/visible/{id}/app";
        var schedules = $$"""
            { "schedules": [
                { "name": "visible-key", "uri": "{{visible}}#k", "cron": "0 * * * *", "catch_up_s": 0 },
                { "name": "hidden-key", "uri": "openbao+kv2://secret/hidden/{{id}}#k", "cron": "0 * * * *", "catch_up_s": 0 },
                { "name": "paused", "uri": "openbao+kv2://secret/visible/{{id}}/other#k", "cron": "*/30 * * * * *",
                  "time_zone": "Europe/Berlin", "jitter_s": 5, "enabled": false }
            ] }
            """;
        using var host = ScheduledRotationHost.Create(schedules, Authorized, Policies(schedulerMayRotate: true));
        var client = host.CreateClient();
        (await client.SeedAsync(visible, new { k = "before" })).EnsureSuccessStatusCode();

        var listed = await client.SchedulesAsync();
        listed.Select(s => s!["name"]!.GetValue<string>()).ShouldBe(["visible-key", "paused"]);   // hidden-key's URI is not the caller's
        var shown = listed[0]!;
        (shown.Str("uri"), shown.Str("cron"), shown.Str("time_zone"), shown["enabled"]!.GetValue<bool>()).ShouldBe(($"{visible}#k", "0 * * * *", "UTC", true));
        shown["next_run"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue);
        shown["last_run"].ShouldBeNull();
        var paused = listed[1]!;
        (paused.Str("time_zone"), paused["jitter_s"]!.GetValue<int>(), paused["enabled"]!.GetValue<bool>(), paused["next_run"])
            .ShouldBe(("Europe/Berlin", 5, false, (JsonNode?)null));

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync("visible-key") is not null, "the run was recorded");
        shown = (await client.SchedulesAsync())[0]!;
        shown["next_run"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue.AddHours(1));
        var lastRun = shown["last_run"]!;
        lastRun["at"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue);
        lastRun["occurrence"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue);
        (lastRun.Str("outcome"), lastRun["version"]!.GetValue<int>(), lastRun["error_code"]).ShouldBe(("success", 2, (JsonNode?)null));
        lastRun.Str("node").ShouldNotBeNullOrEmpty();
        (await client.KeyAsync(visible + "#k")).Version.ShouldBe(2);

        // the listing is audited as metadata reads of what it showed
        var request = new HttpRequestMessage(HttpMethod.Get, Scheduled.Path);
        request.Headers.Add(AuditProbe.CorrelationHeader, "list-schedules-" + id);
        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var reads = (await client.AuditOfAsync("list-schedules-" + id)).Where(e => e.Str("effect") == "success").ToList();
        reads.ShouldAllBe(e => e.Str("event_type") == "SECRET_METADATA_READ");
        reads.Select(e => e.Str("resource_ref")).ShouldBe(
            [Api.ResourceRef(visible + "#k"), Api.ResourceRef($"openbao+kv2://secret/visible/{id}/other#k")], ignoreOrder: true);
    }

    [Fact]
    public async Task The_listing_needs_the_read_metadata_scope_when_scopes_are_enforced()
    {
        var file = Path.Combine(Path.GetTempPath(), "secrets-tests", "schedules-" + Guid.NewGuid().ToString("N") + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, ScheduledRotationHost.OneSchedule("scoped", "openbao+kv2://secret/scoped#k"));
        try
        {
            using var host = new AuthenticatedHost(("SECRETS_ENFORCE_SCOPES", "true"), ("ROTATION_SCHEDULES_PATH", file));

            var refused = await host.ClientWith(host.TokenWithout("secrets.read_metadata")).GetAsync(Scheduled.Path);
            await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");

            var listed = await host.ClientWith(host.TokenWith("secrets.read_metadata")).SchedulesAsync();
            listed.Select(s => s!["name"]!.GetValue<string>()).ShouldBe(["scoped"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_scheduler_holds_the_rotate_scope_so_enforced_scopes_do_not_stop_it()
    {
        // no caller here may do anything (anonymous has no scopes): the secret is seeded and read at the KVv2 server itself
        var port = LoopbackPorts.Unused();
        var path = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        using var host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule("scoped", $"openbao+kv2://secret/{path}#k"),
            new Dictionary<string, string?> { ["SECRETS_ENFORCE_SCOPES"] = "true", ["VAULT_DEV_ADDR"] = $"http://127.0.0.1:{port}" });
        (await host.CreateClient().GetAsync(Scheduled.Path)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);   // the host runs; anonymous is refused
        using var kv = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        kv.DefaultRequestHeaders.Add("X-Vault-Token", "root");
        (await kv.PostAsJsonAsync($"/v1/secret/data/{path}", new { data = new { k = "before" } })).EnsureSuccessStatusCode();

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());

        await Scheduled.EventuallyAsync(async () =>
        {
            var stored = await kv.GetFromJsonAsync<JsonNode>($"/v1/secret/data/{path}");
            return stored!["data"]!["metadata"]!["version"]!.GetValue<int>() == 2 && stored["data"]!["data"]!["k"]!.GetValue<string>() != "before";
        }, "the scheduler rotated with scopes enforced");
    }

    [Fact]
    public async Task Without_a_schedule_file_the_listing_is_empty()
    {
        using var host = new SecretsHostFactory();
        (await host.CreateClient().SchedulesAsync()).ShouldBeEmpty();
    }
}
