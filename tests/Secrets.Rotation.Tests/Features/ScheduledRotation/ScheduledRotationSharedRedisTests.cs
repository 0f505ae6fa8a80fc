using Microsoft.Extensions.DependencyInjection;
using Secrets.Grants.Contracts;
using Secrets.Rotation.Features.ScheduledRotation;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// Two nodes sharing one Redis (<c>REDIS_URL</c>) and one KVv2 store, each with its own fake clock: an occurrence is
/// rotated by exactly one of them, whether both reach it together or one after the other, and both show the same last run.
/// </summary>
public sealed class ScheduledRotationSharedRedisTests : IClassFixture<RedisServer>, IDisposable
{
    private readonly string schedule = "shared-token-" + Guid.NewGuid().ToString("N")[..8];   // the Redis outlives each test
    private readonly int port = LoopbackPorts.Unused();
    private readonly string path = "openbao+kv2://secret/sched-" + Guid.NewGuid().ToString("N")[..8] + "/api";
    private readonly ScheduledRotationHost first;
    private readonly ScheduledRotationHost second;
    private readonly HttpClient a;
    private readonly HttpClient b;

    public ScheduledRotationSharedRedisTests(RedisServer redis)
    {
        var schedules = ScheduledRotationHost.OneSchedule(schedule, path + "#token");
        // the first node runs the embedded KVv2 server; the second one uses it as its OpenBao
        first = ScheduledRotationHost.Create(schedules, new Dictionary<string, string?>
        {
            ["VAULT_DEV_ADDR"] = $"http://127.0.0.1:{port}",
            ["REDIS_URL"] = redis.ConnectionString,
        });
        second = ScheduledRotationHost.Create(schedules, new Dictionary<string, string?>
        {
            ["OPENBAO_URL"] = $"http://127.0.0.1:{port}",
            ["OPENBAO_TOKEN"] = "root",
            ["REDIS_URL"] = redis.ConnectionString,
        });
        a = first.CreateClient();
        b = second.CreateClient();
    }

    private string Key => path + "#token";

    public void Dispose()
    {
        second.Dispose();
        first.Dispose();
    }

    [Fact]
    public async Task An_occurrence_is_rotated_by_exactly_one_of_two_nodes()
    {
        (await a.SeedAsync(path, new { token = "before" })).EnsureSuccessStatusCode();

        // both reach the first occurrence at once
        var toDue = ScheduledRotationHost.FirstDue - first.Time.GetUtcNow();
        first.Time.Advance(toDue);
        second.Time.Advance(toDue);
        await Scheduled.EventuallyAsync(async () => await a.LastRunAsync(schedule) is not null, "one node rotated");
        await Scheduled.SettleAsync();
        (await b.KeyAsync(Key)).Version.ShouldBe(2);
        (await RotationsAsync()).ShouldBe(1);
        var lastRun = (await a.LastRunAsync(schedule))!;
        (await b.LastRunAsync(schedule))!.ToJsonString().ShouldBe(lastRun.ToJsonString());   // every node shows the same
        lastRun.Str("outcome").ShouldBe("success");

        // the second node alone reaches the next occurrence and rotates it; the first gets there later and must not
        second.Time.Advance(TimeSpan.FromHours(1));
        var next = ScheduledRotationHost.FirstDue.AddHours(1);
        await Scheduled.EventuallyAsync(async () => (await b.LastRunAsync(schedule))!["occurrence"]!.GetValue<DateTimeOffset>() == next,
            "the second node rotated the next occurrence");
        (await b.KeyAsync(Key)).Version.ShouldBe(3);
        var secondNode = (await b.LastRunAsync(schedule))!.Str("node");
        first.Time.Advance(TimeSpan.FromHours(1));
        await Scheduled.SettleAsync();
        await Scheduled.SettleAsync();
        (await a.KeyAsync(Key)).Version.ShouldBe(3);
        (await RotationsAsync()).ShouldBe(2);
        (await a.LastRunAsync(schedule))!.Str("node").ShouldBe(secondNode);
    }

    [Fact]
    public async Task A_due_occurrence_whose_lease_another_node_holds_is_not_run()
    {
        (await a.SeedAsync(path, new { token = "before" })).EnsureSuccessStatusCode();
        var records = first.Services.GetRequiredService<ISharedRecords>();
        var due = ScheduledRotationHost.FirstDue;
        (await records.TryAddAsync(ScheduleRuns.LeaseKey(schedule, due), "node-elsewhere", due.AddHours(3), CancellationToken.None)).ShouldBeTrue();

        var toDue = due - first.Time.GetUtcNow();
        first.Time.Advance(toDue);
        second.Time.Advance(toDue);
        await Scheduled.SettleAsync();
        await Scheduled.SettleAsync();

        (await a.KeyAsync(Key)).Version.ShouldBe(1);
        (await RotationsAsync()).ShouldBe(0);
        (await a.LastRunAsync(schedule)).ShouldBeNull();
    }

    /// <summary>The scheduled rotations in both nodes' audit streams.</summary>
    private async Task<int> RotationsAsync() =>
        (await a.RunsAuditedAsync(schedule)).Count(e => e.Str("event_type") == "SECRET_ROTATED")
        + (await b.RunsAuditedAsync(schedule)).Count(e => e.Str("event_type") == "SECRET_ROTATED");
}
