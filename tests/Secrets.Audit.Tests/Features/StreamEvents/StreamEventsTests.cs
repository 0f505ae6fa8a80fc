using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Log;
using Secrets.Testing;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Features.StreamEvents;

/// <summary>GET /api/secrets/events: a Server-Sent Events stream of audit events, never values (dev helper).</summary>
public sealed class StreamEventsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    // LOG_REQUESTS=true: the request line tells when the server finished a stream
    private readonly SecretsHostFactory host = new(new Dictionary<string, string?> { ["LOG_REQUESTS"] = "true" });
    private readonly HttpClient client;

    public StreamEventsTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Stream_delivers_written_and_read_frames_with_id_and_json_data_but_no_value()
    {
        const string uri = "yaml://secret/sse/app#api_key";
        const string value = "sse-value-6c1e0b2f";
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = await SseStream.OpenAsync(client, cts.Token);
        stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        stream.Response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        stream.Response.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem().ShouldNotBeNullOrWhiteSpace();

        using (var write = await client.SendAsync(PostJson("/api/secrets", $$"""{"uri":"{{uri}}","value":"{{value}}"}""", "sse-write"), cts.Token))
            await write.ShouldBeOkJsonAsync();
        using (var read = await client.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", "sse-read"), cts.Token))
            (await read.ShouldBeOkJsonAsync())["value"]!.GetValue<string>().ShouldBe(value);

        var frames = await stream.ReadUntilAsync(f => f.Event == "SECRET_READ", cts.Token);

        frames.Select(f => f.Event).ShouldBe(["SECRET_WRITTEN", "SECRET_READ"]);
        foreach (var frame in frames)
        {
            var cloudEvent = JsonNode.Parse(frame.Data!)!;
            var data = cloudEvent["data"]!;
            frame.Id.ShouldBe(data["seq"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture));
            cloudEvent.Str("type").ShouldBe("secrets.audit." + frame.Event);
            cloudEvent.Str("id").ShouldBe(data.Str("node_id") + ":" + frame.Id);
            data.Str("event_type").ShouldBe(frame.Event);
            data.Str("resource_ref").ShouldBe(ResourceRef(uri));
            data.Str("effect").ShouldBe("success");
            data.Str("tenant").ShouldBe("t1");
            data.AsObject().ContainsKey("value").ShouldBeFalse();
            frame.Raw.ShouldNotContain(value);
        }
        JsonNode.Parse(frames[0].Data!)!["data"]!.Str("correlation_id").ShouldBe("sse-write");
        JsonNode.Parse(frames[1].Data!)!["data"]!.Str("correlation_id").ShouldBe("sse-read");
        long.Parse(frames[1].Id!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(long.Parse(frames[0].Id!, System.Globalization.CultureInfo.InvariantCulture));
        stream.Transcript.ToString().ShouldNotContain(value);
    }

    [Fact]
    public async Task Failures_are_streamed_with_their_error_code()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = await SseStream.OpenAsync(client, cts.Token);

        using (var read = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/nope#x")}", "sse-404"), cts.Token))
            await read.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");

        var frame = (await stream.ReadUntilAsync(f => f.Event is not null, cts.Token))[^1];
        frame.Event.ShouldBe("SECRET_READ");
        var data = JsonNode.Parse(frame.Data!)!["data"]!;
        data.Str("effect").ShouldBe("failure");
        data.Str("error_code").ShouldBe("SECRET_NOT_FOUND");
        data.Str("correlation_id").ShouldBe("sse-404");
    }

    [Fact]
    public async Task Every_subscriber_gets_every_event_and_the_buffer_agrees()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var first = await SseStream.OpenAsync(client, cts.Token);
        await using var second = await SseStream.OpenAsync(client, cts.Token);

        using (var read = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}", "sse-two"), cts.Token))
            await read.ShouldBeOkJsonAsync();

        var a = (await first.ReadUntilAsync(f => f.Event is not null, cts.Token))[^1];
        var b = (await second.ReadUntilAsync(f => f.Event is not null, cts.Token))[^1];
        a.Data.ShouldBe(b.Data);
        var buffered = (await AuditProbe.EventsAsync(client, "correlation_id=sse-two")).ShouldHaveSingleItem();
        JsonNode.DeepEquals(JsonNode.Parse(a.Data!)!["data"], buffered).ShouldBeTrue($"stream: {a.Data}\nbuffer: {buffered.ToJsonString()}");
    }

    [Fact]
    public async Task Stream_only_carries_events_that_happen_after_subscribing()
    {
        using (var before = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}", "sse-before")))
            await before.ShouldBeOkJsonAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = await SseStream.OpenAsync(client, cts.Token);

        using (var after = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}", "sse-after"), cts.Token))
            await after.ShouldBeOkJsonAsync();

        var frames = await stream.ReadUntilAsync(f => f.Event is not null, cts.Token);
        frames.ShouldHaveSingleItem().Data!.ShouldContain("sse-after");
    }

    [Fact]
    public async Task Outside_dev_frames_carry_resource_ref_but_never_the_raw_uri()
    {
        const string uri = "yaml://secret/env#MY_API_KEY";
        using var testHost = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test",
            ["ENABLE_DEV_ENDPOINTS"] = "true",
        });
        var testClient = testHost.CreateClient();
        using var cts = new CancellationTokenSource(Timeout);
        await using var stream = await SseStream.OpenAsync(testClient, cts.Token);

        using (var read = await testClient.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", "sse-test-env"), cts.Token))
            await read.ShouldBeOkJsonAsync();

        var frame = (await stream.ReadUntilAsync(f => f.Event is not null, cts.Token))[^1];
        var data = JsonNode.Parse(frame.Data!)!["data"]!;
        data.Str("resource_ref").ShouldBe(ResourceRef(uri));
        data["uri"].ShouldBeNull();
        frame.Raw.ShouldNotContain("secret/env");
        frame.Raw.ShouldNotContain("dev-api-key");
    }

    [Fact]
    public async Task Disposing_the_response_ends_the_subscription()
    {
        var log = host.Services.GetRequiredService<AuditLog>();
        using var cts = new CancellationTokenSource(Timeout);
        var stream = await SseStream.OpenAsync(client, cts.Token);
        SubscriberCount(log).ShouldBe(1);

        await stream.DisposeAsync();

        await Eventually(() => SubscriberCount(log) == 0, "the subscription is removed", cts.Token);
        await Eventually(() => host.Logs.Events.Any(e =>
                e.Properties.TryGetValue("RequestPath", out var path) && path.ToString() == "\"/api/secrets/events\""),
            "the events request completes on the server\n" + host.Logs.AllText(), cts.Token);
        using (var read = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}", "sse-gone"), cts.Token))
            await read.ShouldBeOkJsonAsync();   // auditing goes on with no subscriber
        SubscriberCount(log).ShouldBe(0);
    }

    public static TheoryData<string, string?, bool> Profiles => new()
    {
        { "prod", null, false },
        { "prod", "true", false },
        { "test", null, false },
        { "test", "true", true },
        { "dev", null, true },
        { "dev", "false", false },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Events_endpoint_is_on_in_dev_optional_in_test_and_off_in_prod(string environment, string? devEndpoints, bool on)
    {
        using var profiled = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = environment,
            ["ENABLE_DEV_ENDPOINTS"] = devEndpoints,
        });
        var profiledClient = profiled.CreateClient();
        using var cts = new CancellationTokenSource(Timeout);

        await using var stream = await SseStream.OpenAsync(profiledClient, cts.Token);

        if (on)
        {
            stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
            stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        }
        else
        {
            await stream.Response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
            SubscriberCount(profiled.Services.GetRequiredService<AuditLog>()).ShouldBe(0);
        }
    }

    /// <summary>The live SSE subscribers of the audit log (a private list: no public count exists).</summary>
    private static int SubscriberCount(AuditLog log)
    {
        var field = typeof(AuditLog).GetField("subscribers", BindingFlags.NonPublic | BindingFlags.Instance)
                    ?? throw new InvalidOperationException("AuditLog has no 'subscribers' field any more; update this probe");
        return ((System.Collections.ICollection)field.GetValue(log)!).Count;
    }

    private static async Task Eventually(Func<bool> condition, string what, CancellationToken ct)
    {
        while (!condition())
        {
            if (ct.IsCancellationRequested)
                throw new TimeoutException("timed out waiting until " + what);
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
