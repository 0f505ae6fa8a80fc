using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.ScheduledRotation;

/// <summary>
/// With <c>REDIS_URL</c> a node never rotates without the occurrence's lease: while Redis cannot be reached the
/// occurrence is skipped on that node and logged, and the scheduler carries on with the next one. Runs alone: it reads
/// the captured log (see <see cref="CanaryCollection"/>).
/// </summary>
[Collection(nameof(CanaryCollection))]
public sealed class ScheduledRotationRedisDownTests : IDisposable
{
    private const string Name = "redis-down";
    private readonly RedisServer redis = new();
    private readonly string path = "openbao+kv2://secret/redis-down-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ScheduledRotationHost host;
    private readonly HttpClient client;

    public ScheduledRotationRedisDownTests()
    {
        host = ScheduledRotationHost.Create(ScheduledRotationHost.OneSchedule(Name, path + "#k"),
            new Dictionary<string, string?> { ["REDIS_URL"] = redis.ConnectionString });
        client = host.CreateClient();
    }

    public void Dispose()
    {
        host.Dispose();
        redis.Dispose();
    }

    [Fact]
    public async Task An_occurrence_whose_lease_cannot_be_taken_is_skipped_and_logged_and_the_next_one_runs()
    {
        (await client.SeedAsync(path, new { k = "before" })).EnsureSuccessStatusCode();

        redis.Stop();
        host.Time.Advance(ScheduledRotationHost.FirstDue - host.Time.GetUtcNow());
        await Scheduled.EventuallyAsync(() => Task.FromResult(host.Logs.AllText().Contains("skipped on this node", StringComparison.Ordinal)),
            "the skipped occurrence was logged");
        redis.Start();
        await Scheduled.SettleAsync();
        (await client.KeyAsync(path + "#k")).Version.ShouldBe(1);
        (await client.RunsAuditedAsync(Name)).ShouldBeEmpty();
        await Scheduled.EventuallyAsync(async () => (await client.GetAsync(Scheduled.Path)).IsSuccessStatusCode, "the listing reads Redis again");
        (await client.LastRunAsync(Name)).ShouldBeNull();

        host.Time.Advance(TimeSpan.FromHours(1));
        await Scheduled.EventuallyAsync(async () => await client.LastRunAsync(Name) is not null, "the next occurrence ran");
        (await client.KeyAsync(path + "#k")).Version.ShouldBe(2);
        (await client.LastRunAsync(Name))!["occurrence"]!.GetValue<DateTimeOffset>().ShouldBe(ScheduledRotationHost.FirstDue.AddHours(1));
    }
}
