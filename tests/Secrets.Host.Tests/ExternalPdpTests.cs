using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// A bulk request end to end against an external AuthZEN PDP (docs/AUTHORIZATION.md#questions-and-batches): the PDP's
/// metadata decides whether the questions go as one batch or one evaluation each, and one failed item of a batch
/// is that operation's refusal only.
/// </summary>
public sealed class ExternalPdpTests : IDisposable
{
    private const string Permitted = "yaml://secret/pdp/permitted";
    private const string Denied = "yaml://secret/pdp/denied";
    private const string Other = "yaml://secret/pdp/other";

    private readonly WireMockServer pdp = ScriptedHttp.Start();
    private SecretsHostFactory? host;

    public void Dispose()
    {
        host?.Dispose();
        pdp.Dispose();
    }

    private HttpClient Client()
    {
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.Url + "/tenant1",
            ["NEGATIVE_CACHE_TTL_S"] = "0",
            ["PDP_TIMEOUT_MS"] = "20000",
        });
        return host.CreateClient();
    }

    private void Metadata(bool batch)
    {
        var identifier = pdp.Url + "/tenant1";
        var document = new JsonObject
        {
            ["policy_decision_point"] = identifier,
            ["access_evaluation_endpoint"] = identifier + "/access/v1/evaluation",
        };
        if (batch)
            document["access_evaluations_endpoint"] = identifier + "/access/v1/evaluations";
        pdp.Given(Request.Create().WithPath("/.well-known/authzen-configuration/tenant1").UsingGet())
            .RespondWith(ScriptedHttp.Json(200, document.ToJsonString()));
    }

    private static Task<HttpResponseMessage> BulkSetAsync(HttpClient client, params string[] uris) =>
        client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = uris.Select(uri => new { op = "set", uri, value = new { k = "v" } }).ToArray(),
            continueOnError = true,
        });

    private IEnumerable<JsonNode> Posted(string path) =>
        pdp.LogEntries.Where(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path == path)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!);

    private static int[] Statuses(JsonNode body) =>
        body["results"]!.AsArray().Select(r => r!["status"]!.GetValue<int>()).ToArray();

    [Fact]
    public async Task Bulk_against_a_PDP_without_a_batch_API_asks_one_evaluation_per_operation_and_answers_each()
    {
        Metadata(batch: false);
        pdp.Given(Request.Create().WithPath("/tenant1/access/v1/evaluation").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(request =>
                JsonNode.Parse(request.Body!)!["resource"]!["id"]!.GetValue<string>() == Denied
                    ? """{"decision":false,"context":{"reason":"no"}}"""
                    : """{"decision":true}"""));

        var body = await (await BulkSetAsync(Client(), Permitted, Denied, Other)).ShouldBeOkJsonAsync();

        Statuses(body).ShouldBe([200, 403, 200]);
        Posted("/tenant1/access/v1/evaluation").Select(q => q["resource"]!["id"]!.GetValue<string>())
            .ShouldBe([Permitted, Denied, Other], ignoreOrder: true);
        Posted("/tenant1/access/v1/evaluations").ShouldBeEmpty();
    }

    [Fact]
    public async Task Bulk_against_a_PDP_whose_batch_answers_one_item_with_an_error_refuses_that_operation_only()
    {
        Metadata(batch: true);
        pdp.Given(Request.Create().WithPath("/tenant1/access/v1/evaluations").UsingPost())
            .RespondWith(ScriptedHttp.Json(200, """
                {"evaluations":[
                  {"decision":true},
                  {"decision":true,"context":{"error":{"status":400,"message":"malformed item"}}},
                  {"decision":true}]}
                """));

        var body = await (await BulkSetAsync(Client(), Permitted, Denied, Other)).ShouldBeOkJsonAsync();

        Statuses(body).ShouldBe([200, 403, 200]);
        var batch = Posted("/tenant1/access/v1/evaluations").ShouldHaveSingleItem();
        batch["evaluations"]!.AsArray().Count.ShouldBe(3);
        Posted("/tenant1/access/v1/evaluation").ShouldBeEmpty();
    }
}
