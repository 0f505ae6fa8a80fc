using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// The scheduler on one node, driven by a fake clock: a due schedule rotates its key once per occurrence through the
/// access pipeline, as <c>rotation-scheduler</c>, audited with the schedule's name, and the value it generated shows up
/// nowhere but in the store. Runs alone: the canary check reads the captured log (see <see cref="CanaryCollection"/>).
/// </summary>
[Collection(nameof(CanaryCollection))]
public sealed class ScheduledRotationTests : IDisposable
{
    private const string Name = "db-password";
    private readonly string path = "openbao+kv2://secret/sched-" + Guid.NewGuid().ToString("N")[..8] + "/db";
    private readonly ScheduledRotationHost host;
    private readonly HttpClient client;

    public ScheduledRotationTests()
    {
        host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule(Name, path + "#password"));
        client = host.CreateClient();
    }

    private string Key => path + "#password";

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Due_schedule_rotates_once_per_occurrence_and_each_run_is_audited_without_its_value()
    {
        var canary = Canary.New();
        (await client.SeedAsync(path, new { password = canary, user = "app" })).EnsureSuccessStatusCode();

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        await Scheduled.SettleAsync();
        (await client.KeyAsync(Key)).ShouldBe((1, canary));   // one second early: nothing ran
        (await client.RunsAuditedAsync(Name)).ShouldBeEmpty();
        (await client.LastRunAsync(Name)).ShouldBeNull();

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync(Name) is not null, "the first occurrence rotated");
        await Scheduled.SettleAsync();
        var (version, first) = await client.KeyAsync(Key);
        version.ShouldBe(2);   // once, not again
        first.Length.ShouldBe(40);
        first.ShouldAllBe(c => "0123456789abcdef".Contains(c));
        first.ShouldNotBe(canary);
        (await client.ReadValueAsync(path))!["user"]!.GetValue<string>().ShouldBe("app");   // the other key is kept
        var audited = (await client.RunsAuditedAsync(Name)).ShouldHaveSingleItem();
        ShouldBeScheduledRotation(audited, version: 2);

        host.Time.Advance(TimeSpan.FromHours(1));
        await Scheduled.EventuallyAsync(async () => (await client.LastRunAsync(Name))!["version"]!.GetValue<int>() == 3, "the next occurrence rotated");
        await Scheduled.SettleAsync();
        var (again, second) = await client.KeyAsync(Key);
        again.ShouldBe(3);
        second.ShouldNotBe(first);
        var runs = await client.RunsAuditedAsync(Name);
        runs.Count.ShouldBe(2);
        ShouldBeScheduledRotation(runs[1], version: 3);
        runs[0].Str("correlation_id").ShouldNotBe(runs[1].Str("correlation_id"));   // one correlation id per run

        var lastRun = (await client.LastRunAsync(Name))!;
        (lastRun.Str("outcome"), lastRun["version"]!.GetValue<int>(), lastRun["error_code"]).ShouldBe(("success", 3, (JsonNode?)null));

        var audit = string.Join('\n', (await AuditProbe.EventsAsync(client)).Select(e => e.ToJsonString()));
        var listing = await (await client.GetAsync(Scheduled.Path)).Content.ReadAsStringAsync();
        var logs = host.Logs.AllText();
        foreach (var value in new[] { canary, first, second })
        {
            audit.ShouldNotContainCanary(value, "the audit records");
            listing.ShouldNotContainCanary(value, "the schedule listing");
            logs.ShouldNotContainCanary(value, "the log");
        }
        logs.ShouldContain(Name);   // the runs were logged, by the schedule's name
    }

    private void ShouldBeScheduledRotation(JsonNode record, int version)
    {
        var text = record.ToJsonString();
        record.Str("event_type").ShouldBe("SECRET_ROTATED", text);
        record.Str("effect").ShouldBe("success", text);
        record.Str("subject").ShouldBe("rotation-scheduler", text);
        record.Str("purpose").ShouldBe("rotate", text);
        record.Str("schedule").ShouldBe(Name, text);
        record.Str("resource_ref").ShouldBe(Api.ResourceRef(Key), text);
        record["kv_version"]!.GetValue<int>().ShouldBe(version, text);
        record["previous_kv_version"]!.GetValue<int>().ShouldBe(version - 1, text);
        record.Str("decision_id").ShouldNotBeNullOrEmpty(text);
    }
}
