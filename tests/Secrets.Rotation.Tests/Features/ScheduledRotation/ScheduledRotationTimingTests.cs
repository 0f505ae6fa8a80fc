using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// When a run happens: after a random delay of up to the schedule's jitter; and at start, for an occurrence missed while
/// no node ran, when it lies within the catch-up window — unless a node already leased it.
/// </summary>
public sealed class ScheduledRotationTimingTests : IClassFixture<RedisServer>
{
    private readonly RedisServer redis;
    private readonly string id = Guid.NewGuid().ToString("N")[..8];

    public ScheduledRotationTimingTests(RedisServer redis) => this.redis = redis;

    [Fact]
    public async Task A_run_waits_for_its_jitter_after_the_due_time()
    {
        var path = $"openbao+kv2://secret/jitter-{id}";
        using var host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule("jittered", path + "#k", extra: """, "jitter_s": 60"""));
        var client = host.CreateClient();
        (await client.SeedAsync(path, new { k = "before" })).EnsureSuccessStatusCode();

        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());
        await Scheduled.SettleAsync();
        (await client.KeyAsync(path + "#k")).Version.ShouldBe(1);   // due, but its random delay has not passed

        host.Time.Advance(TimeSpan.FromSeconds(60));
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync("jittered") is not null, "the run after its jitter");
        (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
        var lastRun = (await client.LastRunAsync("jittered"))!;
        lastRun["occurrence"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue);
        lastRun["at"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(ScheduledRotationHost.FirstDue);
    }

    [Fact]
    public async Task An_occurrence_missed_within_the_catch_up_window_runs_once_at_start_on_one_node()
    {
        // the store outlives the nodes; the nodes share the leases in Redis
        var port = LoopbackPorts.Unused();
        using var store = new SecretsHostFactory(new Dictionary<string, string?> { ["VAULT_DEV_ADDR"] = $"http://127.0.0.1:{port}" });
        var path = $"openbao+kv2://secret/catch-up-{id}";
        (await store.CreateClient().SeedAsync(path, new { k = "before" })).EnsureSuccessStatusCode();
        var name = "catch-up-" + id;
        var schedules = $$"""
            { "schedules": [ { "name": "{{name}}", "uri": "{{path}}#k", "cron": "0 * * * *", "catch_up_s": 600 } ] }
            """;
        var node = new Dictionary<string, string?>
        {
            ["OPENBAO_URL"] = $"http://127.0.0.1:{port}",
            ["OPENBAO_TOKEN"] = "root",
            ["REDIS_URL"] = redis.ConnectionString,
        };
        var missed = ScheduledRotationHost.Start.AddSeconds(-30);   // the nodes start 30 s after this occurrence

        using (var first = ScheduledRotationHost.Create(schedules, node))
        {
            var client = first.CreateClient();
            await Scheduled.EventuallyAsync(async () => await client.LastRunAsync(name) is not null, "the missed occurrence ran at start");
            (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
            (await client.LastRunAsync(name))!["occurrence"]!.GetValue<DateTimeOffset>().ShouldBe(missed);
        }

        // a node (re)started a few minutes later, still within the window, finds the occurrence leased
        using (var second = ScheduledRotationHost.Create(schedules, node, time: new FakeTimeProvider(ScheduledRotationHost.Start.AddMinutes(4))))
        {
            var client = second.CreateClient();
            await Scheduled.SettleAsync();
            await Scheduled.SettleAsync();
            (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
            (await client.RunsAuditedAsync(name)).ShouldBeEmpty();
        }

        // past the window nothing is caught up: a node started 11 minutes after the occurrence waits for the next one
        using (var third = ScheduledRotationHost.Create(schedules.Replace(name, name + "-late", StringComparison.Ordinal), node,
            time: new FakeTimeProvider(ScheduledRotationHost.Start.AddMinutes(11))))
        {
            var client = third.CreateClient();
            await Scheduled.SettleAsync();
            await Scheduled.SettleAsync();
            (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
            (await client.LastRunAsync(name + "-late")).ShouldBeNull();
        }
    }
}
