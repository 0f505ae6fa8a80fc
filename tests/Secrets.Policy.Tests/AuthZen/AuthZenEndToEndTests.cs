using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.Server;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;
using static Secrets.Testing.HttpAssertions;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The whole path with an external PDP (docs/AUTHORIZATION.md#an-external-pdp-over-authzen): API slice → PEP → AuthZEN client → scripted PDP,
/// with the caller's status and the audit record. The PEP caches grants and denies, so every test
/// has its own host.
/// </summary>
public sealed class AuthZenEndToEndTests : IDisposable
{
    private const string Evaluation = "/access/v1/evaluation";
    private const string Evaluations = "/access/v1/evaluations";
    private const string ReadUrl = "/api/secrets/value?uri=yaml://secret/env%23MY_API_KEY";

    private readonly WireMockServer pdp = ScriptedHttp.Start();
    private readonly string pdpToken = "pdp-token-canary-" + Guid.NewGuid().ToString("N");
    private SecretsHostFactory? host;
    private HttpClient? http;

    public void Dispose()
    {
        http?.Dispose();
        host?.Dispose();
        pdp.Stop();
        pdp.Dispose();
    }

    /// <summary>This test's host, asking the scripted PDP; the timeout is generous unless a test is about it.</summary>
    private HttpClient Client(int timeoutMs = 20_000)
    {
        if (http is not null)
            return http;
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.Url,
            ["PDP_TIMEOUT_MS"] = timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PDP_TOKEN"] = pdpToken,
        });
        return http = host.CreateClient();
    }

    [Fact]
    public async Task Read_is_200_when_the_PDP_permits_and_the_PDP_was_asked_for_execute_on_the_canonical_uri()
    {
        Answer(Evaluation, 200, """{"decision":true,"context":{"decision_id":"dec_permit_1"}}""");

        var response = await Client().GetAsync(ReadUrl);

        var body = await response.ShouldBeOkJsonAsync();
        body["value"]!.GetValue<string>().ShouldBe("dev-api-key");
        var asked = Body(Received(pdp, Evaluation).ShouldHaveSingleItem());
        asked["action"]!["name"]!.GetValue<string>().ShouldBe("execute");
        asked["resource"]!["id"]!.GetValue<string>().ShouldBe("yaml://secret/env#MY_API_KEY");
        asked["resource"]!["properties"]!["tenant_id"]!.GetValue<string>().ShouldBe("t1");
        asked["subject"]!["id"]!.GetValue<string>().ShouldBe("anonymous");
        asked["context"]!["correlation_id"]!.GetValue<string>().ShouldBe(CorrelationId(response));
        var read = (await AuditAsync(response)).Single(e => Str(e["event_type"]) == "SECRET_READ");
        Str(read["decision_id"]).ShouldBe("dec_permit_1");
    }

    [Fact]
    public async Task Read_is_403_SECRET_AUTHZ_FAILED_when_the_PDP_denies_with_an_audited_deny()
    {
        Answer(Evaluation, 200, """{"decision":false,"context":{"decision_id":"dec_deny_1","reason":"no rule"}}""");

        var response = await Client().GetAsync(ReadUrl);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        var denied = await DeniedAsync(response);
        Str(denied["decision_id"]).ShouldBe("dec_deny_1");
        Str(denied["error_code"]).ShouldBe("SECRET_AUTHZ_FAILED");
    }

    [Fact]
    public async Task Read_is_503_PDP_UNAVAILABLE_when_the_PDP_answers_500_with_an_audited_deny()
    {
        Answer(Evaluation, 500, """{"error":"boom"}""");

        var response = await Client().GetAsync(ReadUrl);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
        problem.ToJsonString().ShouldNotContain("boom");
        Header(Received(pdp, Evaluation).ShouldHaveSingleItem(), "Authorization").ShouldBe("Bearer " + pdpToken);
        host!.Logs.AllText().ShouldContain("Policy decision point unavailable");
        host.Logs.AllText().ShouldNotContain(pdpToken);
        host.Logs.AllText().ShouldNotContain("boom");
        var denied = await DeniedAsync(response);
        Str(denied["decision_id"]).ShouldStartWith("dec_");
        Str(denied["error_code"]).ShouldBe("PDP_UNAVAILABLE");
    }

    [Fact]
    public async Task Read_is_503_PDP_UNAVAILABLE_when_the_PDP_does_not_answer_in_time()
    {
        pdp.Given(Request.Create().WithPath(Evaluation).UsingPost())
            .RespondWith(Json(200, """{"decision":true}""").WithDelay(TimeSpan.FromSeconds(10)));

        var response = await Client(timeoutMs: 300).GetAsync(ReadUrl);

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
        Str((await DeniedAsync(response))["error_code"]).ShouldBe("PDP_UNAVAILABLE");
    }

    [Fact]
    public async Task Read_is_403_when_the_PDP_answers_without_a_boolean_decision()
    {
        Answer(Evaluation, 200, """{"decision":"yes","context":{"decision_id":"dec_odd"}}""");

        var response = await Client().GetAsync(ReadUrl);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        Str((await DeniedAsync(response))["decision_id"]).ShouldBe("dec_odd");
    }

    [Fact]
    public async Task Copy_asks_once_in_a_batch_with_deny_on_first_deny_read_on_the_source_and_write_on_the_destination()
    {
        Answer(Evaluations, 200, """{"evaluations":[{"decision":true,"context":{"decision_id":"dec_r"}},{"decision":true,"context":{"decision_id":"dec_w"}}]}""");

        var response = await Client().PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/copied#MY_API_KEY" });

        await response.ShouldBeOkJsonAsync();
        Received(pdp, Evaluation).ShouldBeEmpty();
        var batch = Body(Received(pdp, Evaluations).ShouldHaveSingleItem());
        Str(batch["options"]!["evaluations_semantic"]).ShouldBe("deny_on_first_deny");
        var items = batch["evaluations"]!.AsArray();
        items.Count.ShouldBe(2);
        Str(items[0]!["action"]!["name"]).ShouldBe("read");
        Str(items[0]!["resource"]!["id"]).ShouldBe("yaml://secret/env#MY_API_KEY");
        Str(items[1]!["action"]!["name"]).ShouldBe("write");
        Str(items[1]!["resource"]!["id"]).ShouldBe("yaml://secret/copied#MY_API_KEY");
        foreach (var item in items)
            Str(item!["subject"]!["id"]).ShouldBe("anonymous");
    }

    [Fact]
    public async Task Copy_is_403_when_the_PDP_denies_the_write_and_nothing_is_written()
    {
        Answer(Evaluations, 200, """{"evaluations":[{"decision":true,"context":{"decision_id":"dec_r"}},{"decision":false,"context":{"decision_id":"dec_w"}}]}""");

        var response = await Client().PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/copied#MY_API_KEY" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        (await File.ReadAllTextAsync(host!.YamlPath)).ShouldNotContain("copied");
    }

    [Theory]
    [InlineData(404, HttpStatusCode.OK)]
    [InlineData(500, HttpStatusCode.ServiceUnavailable)]
    public async Task Readiness_includes_the_PDP(int pdpStatus, HttpStatusCode ready)
    {
        pdp.Given(Request.Create().WithPath("/.well-known/authzen-configuration").UsingGet()).RespondWith(Json(pdpStatus, "{}"));

        (await Client().GetAsync("/health/ready")).StatusCode.ShouldBe(ready);
    }

    // ---- helpers ----

    private void Answer(string path, int status, string body) =>
        pdp.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Json(status, body));

    private static string CorrelationId(HttpResponseMessage response) => response.Headers.GetValues("X-Correlation-ID").Single();

    private Task<IReadOnlyList<JsonNode>> AuditAsync(HttpResponseMessage response) =>
        AuditProbe.EventsAsync(Client(), "correlation_id=" + CorrelationId(response));

    /// <summary>The one AUTHZ_DENIED record of a request: effect deny, purpose execute.</summary>
    private async Task<JsonNode> DeniedAsync(HttpResponseMessage response)
    {
        var events = await AuditAsync(response);
        var denied = events.Where(e => Str(e["event_type"]) == "AUTHZ_DENIED").ToList();
        denied.Count.ShouldBe(1, string.Join('\n', events.Select(e => e.ToJsonString())));
        Str(denied[0]["effect"]).ShouldBe("deny");
        Str(denied[0]["purpose"]).ShouldBe("execute");
        return denied[0];
    }

    private static string Str(JsonNode? node) => node!.GetValue<string>();
}
