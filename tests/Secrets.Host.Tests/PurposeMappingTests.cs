using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// Every operation goes through the PEP with the purpose in the endpoint table (docs/API.md#endpoints): the audit record of
/// each call names that purpose and carries the decision_id the PEP issued.
/// </summary>
public sealed class PurposeMappingTests : IDisposable
{
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public PurposeMappingTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    private async Task<IReadOnlyList<JsonNode>> AuditOf(Func<HttpRequestMessage> request)
    {
        var correlation = Guid.NewGuid().ToString("N");
        using var message = request();
        message.Headers.Add("X-Correlation-ID", correlation);
        var response = await client.SendAsync(message);
        ((int)response.StatusCode).ShouldBeLessThan(300, await response.Content.ReadAsStringAsync());
        return await AuditProbe.EventsAsync(client, $"correlation_id={correlation}");
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, object body) =>
        new(HttpMethod.Post, path) { Content = JsonContent(body) };

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    public static TheoryData<string, string, string> SingleCalls => new()
    {
        { "GET /api/secrets/value?uri=" + Q("yaml://secret/env#MY_API_KEY"), "SECRET_READ", "execute" },
        { "GET /api/secrets?uri=" + Q("yaml://secret/env"), "SECRET_READ", "read" },
        { "POST /api/secrets", "SECRET_WRITTEN", "write" },
        { "POST /api/secrets/rotate", "SECRET_ROTATED", "rotate" },
        { "DELETE /api/secrets?uri=" + Q("yaml://secret/env"), "SECRET_DELETED", "delete" },
        { "GET /api/secrets/keys?uri=" + Q("yaml://secret"), "SECRET_METADATA_READ", "read_metadata" },
        { "GET /api/secrets/metadata?prefix=" + Q("yaml://secret/*"), "SECRET_METADATA_READ", "read_metadata" },
        { "GET /api/secrets/search?q=a&prefix=" + Q("yaml://secret/*"), "SECRET_METADATA_READ", "read_metadata" },
    };

    [Theory]
    [MemberData(nameof(SingleCalls))]
    public async Task Each_endpoint_is_authorised_for_its_purpose_and_audited_with_the_decision(string call, string type, string purpose)
    {
        var method = call[..call.IndexOf(' ', StringComparison.Ordinal)];
        var path = call[(method.Length + 1)..];
        var events = await AuditOf(() => method switch
        {
            "GET" => Get(path),
            "DELETE" => new HttpRequestMessage(HttpMethod.Delete, path),
            _ when path.EndsWith("rotate", StringComparison.Ordinal) => Post(path, new { uri = "yaml://secret/env#MY_API_KEY", value = "rotated" }),
            _ => Post(path, new { uri = "yaml://secret/new", value = new { k = "v" } }),
        });

        var e = events.ShouldHaveSingleItem();
        e["event_type"]!.GetValue<string>().ShouldBe(type);
        e["purpose"]!.GetValue<string>().ShouldBe(purpose);
        e["effect"]!.GetValue<string>().ShouldBe("success");
        e["decision_id"]!.GetValue<string>().ShouldStartWith("dec_");
    }

    [Fact]
    public async Task Copy_is_authorised_for_read_on_the_source_and_write_on_the_destination()
    {
        var events = await AuditOf(() => Post("/api/secrets/copy", new { fromUri = "yaml://secret/env", toUri = "yaml://secret/env-copy", overwrite = false }));

        // one record for the request: the write on the destination, naming the source and the read's decision
        var e = events.ShouldHaveSingleItem();
        (e["event_type"]!.GetValue<string>(), e["purpose"]!.GetValue<string>()).ShouldBe(("SECRET_COPIED", "write"));
        (e["uri"]!.GetValue<string>(), e["source_uri"]!.GetValue<string>()).ShouldBe(("yaml://secret/env-copy", "yaml://secret/env"));
        var related = e["related_decision_ids"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        related.ShouldHaveSingleItem().ShouldNotBe(e["decision_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Move_is_authorised_for_read_write_and_delete()
    {
        var events = await AuditOf(() => Post("/api/secrets/move", new { fromUri = "yaml://secret/env", toUri = "yaml://secret/env-moved", overwrite = false }));

        var e = events.ShouldHaveSingleItem();
        (e["event_type"]!.GetValue<string>(), e["purpose"]!.GetValue<string>()).ShouldBe(("SECRET_MOVED", "write"));
        e["source_uri"]!.GetValue<string>().ShouldBe("yaml://secret/env");
        e["related_decision_ids"]!.AsArray().Count.ShouldBe(2);   // the read and the delete on the source
    }

    [Fact]
    public async Task Bulk_authorises_each_operation_for_its_own_purpose()
    {
        var events = await AuditOf(() => Post("/api/secrets/bulk", new
        {
            operations = new object[]
            {
                new { op = "set", uri = "yaml://secret/b1#k", value = "1" },
                new { op = "rotate", uri = "yaml://secret/b1#k", value = "2" },
                new { op = "delete", uri = "yaml://secret/b1" },
            },
            continueOnError = false,
        }));

        events.Select(e => (e["event_type"]!.GetValue<string>(), e["purpose"]!.GetValue<string>()))
            .ShouldBe([("SECRET_WRITTEN", "write"), ("SECRET_ROTATED", "rotate"), ("SECRET_DELETED", "delete")], ignoreOrder: true);
    }

    [Fact]
    public async Task A_failure_after_authorisation_is_audited_once_with_the_decision_and_the_code()
    {
        var correlation = Guid.NewGuid().ToString("N");
        using var message = Get("/api/secrets/value?uri=" + Q("yaml://secret/env#NOPE"));
        message.Headers.Add("X-Correlation-ID", correlation);
        await (await client.SendAsync(message)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");

        var e = (await AuditProbe.EventsAsync(client, $"correlation_id={correlation}")).ShouldHaveSingleItem();
        e["effect"]!.GetValue<string>().ShouldBe("failure");
        e["error_code"]!.GetValue<string>().ShouldBe("FRAGMENT_NOT_FOUND");
        e["decision_id"]!.GetValue<string>().ShouldStartWith("dec_");
    }
}
