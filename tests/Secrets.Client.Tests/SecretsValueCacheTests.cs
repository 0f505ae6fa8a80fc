using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Secrets.Testing;

namespace Secrets.Client.Tests;

/// <summary>The client's value cache against a running host: hits, expiry, refresh ahead, and the grant's TTL as its limit.</summary>
public sealed class SecretsValueCacheTests : IDisposable
{
    private const string App = "openbao+kv2://secret/cache/app";

    /// <summary>Grants of 60 seconds and many uses: the read tells the client when its grant expires.</summary>
    private const string SixtySecondGrants = """
        version: 1
        rules:
          - id: sixty-seconds
            resources: ["openbao+kv2://secret/*"]
            purposes: ["*"]
            obligations:
              ttl_seconds: 60
              max_uses: 1000
        """;

    private readonly SecretsHostFactory host = new(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true" }, policies: SixtySecondGrants);
    private readonly RecordingHandler recording;
    private readonly SecretsClient client;
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);

    public SecretsValueCacheTests()
    {
        recording = new RecordingHandler { InnerHandler = host.Server.CreateHandler() };
        client = new SecretsClient(new HttpClient(recording) { BaseAddress = new Uri("http://localhost") });
    }

    public void Dispose() => host.Dispose();

    private int Reads => recording.Seen.Count(s => s.Request.RequestUri!.AbsolutePath == "/api/secrets/value");

    [Fact]
    public async Task A_read_tells_how_long_its_grant_runs()
    {
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v"}""")!);

        var read = await client.ReadAsync(App + "#k");

        read.GrantExpiresIn.ShouldNotBeNull();
        read.GrantExpiresIn!.Value.TotalSeconds.ShouldBeInRange(55, 60);
    }

    [Fact]
    public async Task Hits_are_answered_from_memory_until_the_entry_expires_then_read_again()
    {
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v1"}""")!);
        var cache = new SecretsValueCache(client, new SecretsValueCacheOptions { Ttl = TimeSpan.FromSeconds(20), RefreshAhead = TimeSpan.FromSeconds(5) }, time);

        (await cache.GetStringAsync(App + "#k")).ShouldBe("v1");
        await client.RotateAsync(App + "#k", JsonValue.Create("v2"));
        time.Advance(TimeSpan.FromSeconds(10));
        (await cache.GetStringAsync(App + "#k")).ShouldBe("v1");   // a hit: no read
        Reads.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(11));

        (await cache.GetStringAsync(App + "#k")).ShouldBe("v2");
        Reads.ShouldBe(2);
    }

    [Fact]
    public async Task Within_the_refresh_window_the_entry_answers_and_one_background_read_refreshes_it()
    {
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v1"}""")!);
        var cache = new SecretsValueCache(client, new SecretsValueCacheOptions { Ttl = TimeSpan.FromSeconds(20), RefreshAhead = TimeSpan.FromSeconds(5) }, time);
        await cache.GetStringAsync(App + "#k");
        await client.RotateAsync(App + "#k", JsonValue.Create("v2"));
        time.Advance(TimeSpan.FromSeconds(16));

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => cache.GetStringAsync(App + "#k").AsTask()));

        answers.ShouldAllBe(a => a == "v1");
        await WaitUntilAsync(() => Reads == 2);
        (await cache.GetStringAsync(App + "#k")).ShouldBe("v2");
        Reads.ShouldBe(2);
    }

    [Fact]
    public async Task An_entry_lives_no_longer_than_the_grant_behind_its_read()
    {
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v1"}""")!);
        var cache = new SecretsValueCache(client, new SecretsValueCacheOptions { Ttl = TimeSpan.FromMinutes(10), RefreshAhead = TimeSpan.Zero }, time);

        await cache.GetStringAsync(App + "#k");
        await client.RotateAsync(App + "#k", JsonValue.Create("v2"));
        time.Advance(TimeSpan.FromSeconds(61));   // past the 60 s grant, well within the 10 min TTL

        (await cache.GetStringAsync(App + "#k")).ShouldBe("v2");
        Reads.ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_misses_of_one_uri_make_one_read_and_a_returned_map_is_the_callers_own_copy()
    {
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v1"}""")!);
        var cache = new SecretsValueCache(client, time: time);

        var maps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetAsync(App).AsTask()));
        maps[0]!["k"] = "changed by a caller";

        Reads.ShouldBe(1);
        (await cache.GetAsync(App))!["k"]!.GetValue<string>().ShouldBe("v1");
    }

    [Fact]
    public async Task A_failed_read_is_thrown_and_not_cached()
    {
        var cache = new SecretsValueCache(client, time: time);

        (await Should.ThrowAsync<SecretsApiException>(() => cache.GetAsync(App).AsTask())).Code.ShouldBe("SECRET_NOT_FOUND");
        await client.WriteAsync(App, JsonNode.Parse("""{"k":"v1"}""")!);

        (await cache.GetStringAsync(App + "#k")).ShouldBe("v1");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(25);
        condition().ShouldBeTrue();
    }
}
