using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Features.QueryAudit;

/// <summary>GET /api/secrets/audit: the in-memory ring buffer, newest first, filtered and paginated (dev helper).</summary>
public sealed class QueryAuditTests : IDisposable
{
    private const string ApiKeyUri = "yaml://secret/env#MY_API_KEY";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public QueryAuditTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    /// <summary>Five audited requests, oldest first: q-1 … q-5 (q-2 fails, q-3 is a write).</summary>
    private async Task SeedAsync()
    {
        await ReadAsync(client, ApiKeyUri, "q-1", HttpStatusCode.OK);
        await ReadAsync(client, "yaml://secret/nope#x", "q-2", HttpStatusCode.NotFound);
        using (var write = await client.SendAsync(PostJson("/api/secrets", """{"uri":"yaml://secret/q/new#k","value":"q-value"}""", "q-3")))
            await write.ShouldBeOkJsonAsync();
        await ReadAsync(client, "yaml://secret/env#OTHER", "q-4", HttpStatusCode.OK);
        await ReadAsync(client, ApiKeyUri, "q-5", HttpStatusCode.OK);
    }

    private static async Task ReadAsync(HttpClient client, string uri, string correlationId, HttpStatusCode status)
    {
        using var response = await client.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", correlationId));
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> PageAsync(string query)
    {
        using var response = await client.GetAsync("/api/secrets/audit?" + query);
        return await response.ShouldBeOkJsonAsync();
    }

    private static string[] CorrelationIds(IEnumerable<JsonNode> events) => events.Select(e => e.Str("correlation_id")!).ToArray();

    private static string[] CorrelationIds(JsonNode page) => CorrelationIds(page["items"]!.AsArray().Select(n => n!));

    [Fact]
    public async Task Events_come_newest_first_with_ids_descending()
    {
        await SeedAsync();

        var page = await PageAsync("limit=100");

        CorrelationIds(page).ShouldBe(["q-5", "q-4", "q-3", "q-2", "q-1"]);
        var ids = page["items"]!.AsArray().Select(n => n!["seq"]!.GetValue<long>()).ToList();
        ids.ShouldBe(ids.OrderByDescending(i => i).Distinct().ToList());
        page["total"]!.GetValue<int>().ShouldBe(5);
        page["offset"]!.GetValue<int>().ShouldBe(0);
        page["limit"]!.GetValue<int>().ShouldBe(100);
        page["nextOffset"].ShouldBeNull();
    }

    [Fact]
    public async Task Default_page_is_100_newest()
    {
        for (var i = 0; i < 105; i++)
            await ReadAsync(client, ApiKeyUri, $"d-{i}", HttpStatusCode.OK);

        var page = await PageAsync("");

        page["limit"]!.GetValue<int>().ShouldBe(100);
        page["items"]!.AsArray().Count.ShouldBe(100);
        page["total"]!.GetValue<int>().ShouldBe(105);
        page["nextOffset"]!.GetValue<int>().ShouldBe(100);
        CorrelationIds(page)[0].ShouldBe("d-104");
    }

    [Theory]
    [InlineData("SECRET_READ")]
    [InlineData("secret_read")]
    [InlineData("Secret_Read")]
    public async Task Filter_by_event_type_ignores_case(string eventType)
    {
        await SeedAsync();

        var events = await AuditProbe.EventsAsync(client, "event_type=" + eventType);

        CorrelationIds(events).ShouldBe(["q-5", "q-4", "q-2", "q-1"]);
        events.ShouldAllBe(e => e.Str("event_type") == "SECRET_READ");
        CorrelationIds(await AuditProbe.EventsAsync(client, "event_type=secret_written")).ShouldBe(["q-3"]);
        (await AuditProbe.EventsAsync(client, "event_type=SECRET_DELETED")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filter_by_effect()
    {
        await SeedAsync();

        CorrelationIds(await AuditProbe.EventsAsync(client, "effect=failure")).ShouldBe(["q-2"]);
        CorrelationIds(await AuditProbe.EventsAsync(client, "effect=success")).ShouldBe(["q-5", "q-4", "q-3", "q-1"]);
        (await AuditProbe.EventsAsync(client, "effect=deny")).ShouldBeEmpty();
        (await AuditProbe.EventsAsync(client, "effect=permit")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filter_by_subject()
    {
        await SeedAsync();

        CorrelationIds(await AuditProbe.EventsAsync(client, "subject=anonymous")).ShouldBe(["q-5", "q-4", "q-3", "q-2", "q-1"]);
        (await AuditProbe.EventsAsync(client, "subject=alice")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filter_by_resource_ref()
    {
        await SeedAsync();

        CorrelationIds(await AuditProbe.EventsAsync(client, "resource_ref=" + Q(ResourceRef(ApiKeyUri)))).ShouldBe(["q-5", "q-1"]);
        CorrelationIds(await AuditProbe.EventsAsync(client, "resource_ref=" + Q(ResourceRef("yaml://secret/q/new#k")))).ShouldBe(["q-3"]);
        (await AuditProbe.EventsAsync(client, "resource_ref=" + Q(ResourceRef(ApiKeyUri, "another-salt")))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filter_by_correlation_id_and_decision_id()
    {
        await SeedAsync();

        var q4 = (await AuditProbe.EventsAsync(client, "correlation_id=q-4")).ShouldHaveSingleItem();
        q4.Str("correlation_id").ShouldBe("q-4");

        var byDecision = await AuditProbe.EventsAsync(client, "decision_id=" + Q(q4.Str("decision_id")!));
        CorrelationIds(byDecision).ShouldBe(["q-4"]);
        (await AuditProbe.EventsAsync(client, "decision_id=dec_none")).ShouldBeEmpty();
        (await AuditProbe.EventsAsync(client, "correlation_id=q-9")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Filter_since_keeps_events_at_or_after_the_instant()
    {
        await SeedAsync();
        var all = await AuditProbe.EventsAsync(client);
        var q3Time = all.Single(e => e.Str("correlation_id") == "q-3").Str("time")!;
        var since = DateTimeOffset.Parse(q3Time, CultureInfo.InvariantCulture);

        var events = await AuditProbe.EventsAsync(client, "since=" + Q(q3Time));

        var expected = all.Where(e => DateTimeOffset.Parse(e.Str("time")!, CultureInfo.InvariantCulture) >= since);
        CorrelationIds(events).ShouldBe(CorrelationIds(expected));
        CorrelationIds(events).ShouldContain("q-3");
        CorrelationIds(events).ShouldNotContain("q-1");
        (await AuditProbe.EventsAsync(client, "since=" + Q(DateTimeOffset.UtcNow.AddHours(1).ToString("O")))).ShouldBeEmpty();
        (await AuditProbe.EventsAsync(client, "since=" + Q(DateTimeOffset.UtcNow.AddHours(-1).ToString("O")))).Count.ShouldBe(5);
    }

    [Fact]
    public async Task Filters_combine()
    {
        await SeedAsync();

        var events = await AuditProbe.EventsAsync(client,
            $"event_type=secret_read&effect=success&subject=anonymous&resource_ref={Q(ResourceRef(ApiKeyUri))}");

        CorrelationIds(events).ShouldBe(["q-5", "q-1"]);
        (await AuditProbe.EventsAsync(client, "event_type=secret_written&effect=failure")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Offset_and_limit_page_through_total_with_nextOffset()
    {
        await SeedAsync();

        var first = await PageAsync("limit=2");
        CorrelationIds(first).ShouldBe(["q-5", "q-4"]);
        first["total"]!.GetValue<int>().ShouldBe(5);
        first["nextOffset"]!.GetValue<int>().ShouldBe(2);

        var second = await PageAsync("limit=2&offset=2");
        CorrelationIds(second).ShouldBe(["q-3", "q-2"]);
        second["offset"]!.GetValue<int>().ShouldBe(2);
        second["nextOffset"]!.GetValue<int>().ShouldBe(4);

        var last = await PageAsync("limit=2&offset=4");
        CorrelationIds(last).ShouldBe(["q-1"]);
        last["total"]!.GetValue<int>().ShouldBe(5);
        last["nextOffset"].ShouldBeNull();

        var beyond = await PageAsync("limit=2&offset=10");
        beyond["items"]!.AsArray().ShouldBeEmpty();
        beyond["total"]!.GetValue<int>().ShouldBe(5);
        beyond["nextOffset"].ShouldBeNull();
    }

    [Fact]
    public async Task Paging_applies_after_filtering()
    {
        await SeedAsync();

        var page = await PageAsync("event_type=SECRET_READ&limit=3&offset=1");

        CorrelationIds(page).ShouldBe(["q-4", "q-2", "q-1"]);
        page["total"]!.GetValue<int>().ShouldBe(4);
        page["nextOffset"].ShouldBeNull();
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=-1")]
    [InlineData("limit=abc")]
    [InlineData("offset=-1")]
    [InlineData("effect=bogus")]
    [InlineData("effect=allowed")]
    [InlineData("since=yesterday")]
    public async Task Invalid_query_is_400_INVALID_REQUEST(string query)
    {
        using var response = await client.GetAsync("/api/secrets/audit?" + query);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Limit_of_1000_is_the_maximum_allowed()
    {
        await SeedAsync();

        var page = await PageAsync("limit=1000");

        page["limit"]!.GetValue<int>().ShouldBe(1000);
        page["items"]!.AsArray().Count.ShouldBe(5);
    }

    [Fact]
    public async Task Ring_buffer_keeps_only_the_newest_AUDIT_BUFFER_SIZE_events()
    {
        using var small = new SecretsHostFactory(new Dictionary<string, string?> { ["AUDIT_BUFFER_SIZE"] = "5", ["AUDIT_LOG"] = "all" });
        var smallClient = small.CreateClient();
        for (var i = 0; i < 8; i++)
            await ReadAsync(smallClient, ApiKeyUri, $"r-{i}", HttpStatusCode.OK);

        var page = await (await smallClient.GetAsync("/api/secrets/audit?limit=1000")).ShouldBeOkJsonAsync();

        page["total"]!.GetValue<int>().ShouldBe(5);
        CorrelationIds(page).ShouldBe(["r-7", "r-6", "r-5", "r-4", "r-3"]);
        (await AuditProbe.EventsAsync(smallClient, "correlation_id=r-0")).ShouldBeEmpty();
        small.Logs.AuditLogEvents().Count.ShouldBe(8);   // with AUDIT_LOG=all the log keeps every event; only the buffer is bounded
    }

    [Theory]
    [InlineData("prod", null, "limit=0")]
    [InlineData("prod", "true", "effect=bogus")]
    [InlineData("test", null, "limit=5000")]
    public async Task Switched_off_audit_endpoint_is_404_whatever_the_query(string environment, string? devEndpoints, string query)
    {
        // "off in prod (404)": a 400 for a bad query would tell a caller that the endpoint exists.
        using var profiled = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = environment,
            ["ENABLE_DEV_ENDPOINTS"] = devEndpoints,
        });
        var profiledClient = profiled.CreateClient();

        using var response = await profiledClient.GetAsync("/api/secrets/audit?" + query);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    public static TheoryData<string, string?, HttpStatusCode> Profiles => new()
    {
        { "prod", null, HttpStatusCode.NotFound },
        { "prod", "true", HttpStatusCode.NotFound },
        { "test", null, HttpStatusCode.NotFound },
        { "test", "false", HttpStatusCode.NotFound },
        { "test", "true", HttpStatusCode.OK },
        { "dev", null, HttpStatusCode.OK },
        { "dev", "false", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Audit_endpoint_is_on_in_dev_optional_in_test_and_off_in_prod(string environment, string? devEndpoints, HttpStatusCode expected)
    {
        using var profiled = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = environment,
            ["ENABLE_DEV_ENDPOINTS"] = devEndpoints,
        });
        var profiledClient = profiled.CreateClient();

        using var response = await profiledClient.GetAsync("/api/secrets/audit?limit=10");

        if (expected == HttpStatusCode.NotFound)
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
            problem.ToJsonString().ShouldNotContain("items");
        }
        else
        {
            (await response.ShouldBeOkJsonAsync())["items"].ShouldNotBeNull();
        }
    }
}
