using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Shared.Kernel;
using Secrets.Testing;

namespace Secrets.Grants.Tests.State;

/// <summary>The contract on Redis (Garnet in process), where each store made is another node on its own connection.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSharedRecordsTests(RedisServer redis) : SharedRecordsContract
{
    private protected override ISharedRecords Create(TimeProvider time) =>
        new RedisSharedRecords(Track(RedisConnection.Connect(redis.ConnectionString)), time);

    [Fact]
    public async Task What_one_node_stores_the_other_reads_and_swaps()
    {
        var (a, b) = (NewRecords(), NewRecords());
        var key = NewKey();

        (await a.TryAddAsync(key, "pending", Time.GetUtcNow().AddSeconds(60), Ct)).ShouldBeTrue();

        (await b.GetAsync(key, Ct)).ShouldBe("pending");
        (await b.TryAddAsync(key, "other", Time.GetUtcNow().AddSeconds(60), Ct)).ShouldBeFalse();
        (await b.TryReplaceAsync(key, "pending", "approved", Time.GetUtcNow().AddSeconds(60), Ct)).ShouldBeTrue();
        (await a.GetAsync(key, Ct)).ShouldBe("approved");
    }
}

/// <summary>Redis down: every call fails closed with 503 <c>GRANT_STATE_UNAVAILABLE</c>; a server of its own to stop.</summary>
public sealed class RedisSharedRecordsOutageTests : IDisposable
{
    private readonly RedisServer redis = new();
    private readonly RedisConnection connection;

    public RedisSharedRecordsOutageTests() => connection = RedisConnection.Connect(redis.ConnectionString);

    public void Dispose()
    {
        connection.Dispose();
        redis.Dispose();
    }

    [Fact]
    public async Task Every_call_is_503_GRANT_STATE_UNAVAILABLE_while_redis_is_down()
    {
        var records = new RedisSharedRecords(connection, TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.AddSeconds(60);
        await records.TryAddAsync("test:outage", "v", expires, CancellationToken.None);

        redis.Stop();

        foreach (var call in new Func<Task>[]
        {
            () => records.GetAsync("test:outage", CancellationToken.None),
            () => records.TryAddAsync("test:outage-2", "v", expires, CancellationToken.None),
            () => records.TryReplaceAsync("test:outage", "v", "w", expires, CancellationToken.None),
            () => records.SetAsync("test:outage", "w", expires, CancellationToken.None),
        })
        {
            var problem = await call.ShouldThrowAsync<SecretsProblem>();
            (problem.Code, problem.Status).ShouldBe((ErrorCode.GrantStateUnavailable, 503));
        }
    }
}
