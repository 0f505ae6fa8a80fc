using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Secrets.Rotation.Tests;

/// <summary>
/// Problems raised in another module reach a Rotation endpoint's client whole (docs/ERRORS.md): a KVv2
/// provider that is unavailable (503, or 429 rate limited, with Retry-After), a PDP that does not
/// answer in time, and the provider failing the PEP's read of the resource attributes. The client gets
/// status, code, detail, Retry-After and its own correlation id; a bulk operation's result carries the
/// status, the code and the Retry-After in seconds.
/// </summary>
public sealed class ProblemsCrossModulesTests : IDisposable
{
    private const string DataPrefix = "/v1/secret/data/";
    private const string MetadataPrefix = "/v1/secret/metadata/";
    private const string ProviderUnavailable = "the provider is unavailable";
    private const string PdpUnavailable = "the policy decision point is unavailable";

    private readonly WireMockServer server = ScriptedHttp.Start();
    private readonly string id = Guid.NewGuid().ToString("N")[..10];
    private SecretsHostFactory? host;

    public void Dispose()
    {
        host?.Dispose();
        server.Stop();
        server.Dispose();
    }

    private string Kv(string name) => $"openbao+kv2://secret/problems/{id}/{name}";

    /// <summary>The requests of the four Rotation endpoints on KVv2 URIs (bulk: one rotate operation).</summary>
    private object Body(string op) => op switch
    {
        "rotate" => new { uri = Kv("a"), value = new { k = "new" } },
        "copy" or "move" => new { fromUri = Kv("a"), toUri = Kv("b") },
        _ => new { operations = new object[] { new { op = "rotate", uri = Kv("a"), value = new { k = "new" } }, new { op = "set", uri = Kv("b"), value = new { k = "v" } } }, continueOnError = true },
    };

    // ---- provider unavailable ----

    [Theory]
    [InlineData("rotate", 503, 7)]
    [InlineData("copy", 503, 7)]
    [InlineData("move", 503, 7)]
    [InlineData("rotate", 429, 5)]
    [InlineData("copy", 429, 5)]
    [InlineData("move", 429, 5)]
    public async Task A_provider_that_is_unavailable_with_Retry_After_is_503_PROVIDER_UNAVAILABLE_with_that_Retry_After(string op, int providerStatus, int retryAfter)
    {
        ProviderAnswersEverything(providerStatus, retryAfter);
        var client = KvHost(authorization: false);
        var correlation = "problems-" + op + "-" + providerStatus;

        using var response = await client.PostAsync("/api/secrets/" + op, Body(op), correlation);

        await ShouldBeWholeProblemAsync(response, HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE", ProviderUnavailable, correlation);
        // Kv2HttpClient keeps the provider's Retry-After (a delta longer than the client would wait is not retried) and the host sends it in whole seconds
        response.Headers.RetryAfter.ShouldNotBeNull();
        response.Headers.RetryAfter.Delta.ShouldBe(TimeSpan.FromSeconds(retryAfter));
        response.Headers.GetValues("Retry-After").ShouldHaveSingleItem().ShouldBe(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // the source (or the rotated secret) is read first: nothing was written
        Requests("POST").ShouldBeEmpty();
        Requests("DELETE").ShouldBeEmpty();
        var record = (await client.AuditOfAsync(correlation)).ShouldHaveSingleItem();
        (record.Str("effect"), record.Str("error_code")).ShouldBe(("failure", "PROVIDER_UNAVAILABLE"), record.ToJsonString());
    }

    [Theory]
    [InlineData(503, 7)]
    [InlineData(429, 5)]
    public async Task A_bulk_operation_on_an_unavailable_provider_has_the_result_503_PROVIDER_UNAVAILABLE(int providerStatus, int retryAfter)
    {
        ProviderAnswersEverything(providerStatus, retryAfter);
        var client = KvHost(authorization: false);
        var correlation = "problems-bulk-" + providerStatus;

        using var response = await client.PostAsync("/api/secrets/bulk", Body("bulk"), correlation);

        var body = await response.ShouldBeOkJsonAsync();
        ShouldBeResults(body, (503, "PROVIDER_UNAVAILABLE"), (503, "PROVIDER_UNAVAILABLE"));
        body["results"]!.AsArray().Select(r => r!["retryAfter"]!.GetValue<int>()).ShouldBe([retryAfter, retryAfter]);
        response.Headers.GetValues(AuditProbe.CorrelationHeader).ShouldHaveSingleItem().ShouldBe(correlation);
        var records = await client.AuditOfAsync(correlation);
        records.Select(r => (r.Str("event_type"), r.Str("effect"), r.Str("error_code"))).ToList()
            .ShouldBe([("SECRET_ROTATED", "failure", "PROVIDER_UNAVAILABLE"), ("SECRET_WRITTEN", "failure", "PROVIDER_UNAVAILABLE")]);
    }

    // ---- the PEP's attribute read ----

    [Theory]
    [InlineData("rotate")]
    [InlineData("copy")]
    [InlineData("move")]
    public async Task With_authorization_the_attribute_read_answered_503_is_503_with_Retry_After_and_no_data_is_touched(string op)
    {
        // metadata (the owner and creation stamps the PEP reads on a grant miss) is unavailable; anything else would be a 502
        server.Given(Request.Create().WithPath(p => p.StartsWith(MetadataPrefix, StringComparison.Ordinal)).UsingGet()).AtPriority(10)
            .RespondWith(Json(503, """{"errors":["Vault is sealed"]}""").WithHeader("Retry-After", "7"));
        ProviderAnswersEverything(500, null);
        var client = KvHost(authorization: true);
        var correlation = "problems-attributes-" + op;

        using var response = await client.PostAsync("/api/secrets/" + op, Body(op), correlation);

        await ShouldBeWholeProblemAsync(response, HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE", ProviderUnavailable, correlation);
        response.Headers.GetValues("Retry-After").ShouldHaveSingleItem().ShouldBe("7");
        server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(DataPrefix, StringComparison.Ordinal)).ShouldBeEmpty();
        server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(MetadataPrefix, StringComparison.Ordinal)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task With_authorization_a_bulk_operation_whose_attribute_read_is_503_has_the_result_503_PROVIDER_UNAVAILABLE()
    {
        server.Given(Request.Create().WithPath(p => p.StartsWith(MetadataPrefix, StringComparison.Ordinal)).UsingGet()).AtPriority(10)
            .RespondWith(Json(503, """{"errors":["Vault is sealed"]}""").WithHeader("Retry-After", "7"));
        ProviderAnswersEverything(500, null);
        var client = KvHost(authorization: true);

        using var response = await client.PostAsync("/api/secrets/bulk", Body("bulk"), "problems-attributes-bulk");

        var body = await response.ShouldBeOkJsonAsync();
        ShouldBeResults(body, (503, "PROVIDER_UNAVAILABLE"), (503, "PROVIDER_UNAVAILABLE"));
        body["results"]!.AsArray().Select(r => r!["retryAfter"]!.GetValue<int>()).ShouldBe([7, 7]);
        server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(DataPrefix, StringComparison.Ordinal)).ShouldBeEmpty();
    }

    // ---- a PDP that does not answer in time ----

    [Theory]
    [InlineData("rotate")]
    [InlineData("copy")]
    [InlineData("move")]
    public async Task A_pdp_that_times_out_is_503_PDP_UNAVAILABLE_and_nothing_is_written(string op)
    {
        var client = SlowPdpHost();
        var before = await File.ReadAllTextAsync(host!.YamlPath);
        var correlation = "problems-pdp-" + op;
        object body = op == "rotate"
            ? new { uri = "yaml://secret/env#MY_API_KEY", value = "rotated-by-nobody" }
            : new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = $"yaml://secret/problems/{id}#k" };

        using var response = await client.PostAsync("/api/secrets/" + op, body, correlation);

        await ShouldBeWholeProblemAsync(response, HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE", PdpUnavailable, correlation);
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        var record = (await client.AuditOfAsync(correlation)).ShouldHaveSingleItem();
        (record.Str("event_type"), record.Str("effect"), record.Str("error_code")).ShouldBe(("AUTHZ_DENIED", "deny", "PDP_UNAVAILABLE"), record.ToJsonString());
    }

    [Fact]
    public async Task A_pdp_that_times_out_gives_each_bulk_operation_503_PDP_UNAVAILABLE_and_nothing_is_written()
    {
        var client = SlowPdpHost();
        var before = await File.ReadAllTextAsync(host!.YamlPath);
        var body = new
        {
            operations = new object[]
            {
                new { op = "rotate", uri = "yaml://secret/env#MY_API_KEY", value = "rotated-by-nobody" },
                new { op = "set", uri = $"yaml://secret/problems/{id}#k", value = "v" },
            },
            continueOnError = true,
        };

        using var response = await client.PostAsync("/api/secrets/bulk", body, "problems-pdp-bulk");

        ShouldBeResults(await response.ShouldBeOkJsonAsync(), (503, "PDP_UNAVAILABLE"), (503, "PDP_UNAVAILABLE"));
        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await client.AuditOfAsync("problems-pdp-bulk")).Select(r => (r.Str("event_type"), r.Str("error_code"))).ToList()
            .ShouldBe([("AUTHZ_DENIED", "PDP_UNAVAILABLE"), ("AUTHZ_DENIED", "PDP_UNAVAILABLE")]);
    }

    // ---- helpers ----

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The token lookup succeeds; every other call is answered <paramref name="status"/> (with Retry-After when given).</summary>
    private void ProviderAnswersEverything(int status, int? retryAfter)
    {
        server.Given(Request.Create().WithPath("/v1/auth/token/lookup-self").UsingGet()).AtPriority(1)
            .RespondWith(Json(200, """{"data":{"ttl":0,"renewable":false}}"""));
        var answer = Json(status, """{"errors":["unavailable"]}""");
        if (retryAfter is { } seconds)
            answer = answer.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        server.Given(Request.Create().UsingAnyMethod()).AtPriority(100).RespondWith(answer);
    }

    /// <summary>The dev host whose <c>openbao+kv2://</c> provider is the scripted server; with authorization, permit-all policies.</summary>
    private HttpClient KvHost(bool authorization)
    {
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["OPENBAO_URL"] = server.Url,
            ["OPENBAO_TOKEN"] = "s.test-token",
            ["ENABLE_AUTHORIZATION"] = authorization ? "true" : "false",
        });
        return host.CreateClient();
    }

    /// <summary>The dev host on YAML asking an external PDP (the scripted server) that answers after 5 s; the host waits 300 ms.</summary>
    private HttpClient SlowPdpHost()
    {
        var permit = Json(200, """{"decision":true,"context":{"decision_id":"dec_too_late"}}""").WithDelay(TimeSpan.FromSeconds(5));
        server.Given(Request.Create().WithPath("/access/v1/evaluation").UsingPost()).RespondWith(permit);
        server.Given(Request.Create().WithPath("/access/v1/evaluations").UsingPost())
            .RespondWith(Json(200, """{"evaluations":[{"decision":true},{"decision":true}]}""").WithDelay(TimeSpan.FromSeconds(5)));
        host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = server.Url,
            ["PDP_TIMEOUT_MS"] = "300",
        });
        return host.CreateClient();
    }

    private List<WireMock.Logging.ILogEntry> Requests(string method) =>
        server.LogEntries.Where(e => e.RequestMessage.Method == method).ToList();

    /// <summary>The problem as raised: status, code, the code's detail, and the request's correlation id in the body and the header.</summary>
    private static async Task ShouldBeWholeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string detail, string correlation)
    {
        var body = await response.ShouldBeProblemAsync(status, code);
        var text = body.ToJsonString();
        body["detail"]!.GetValue<string>().ShouldBe(detail, text);
        body["correlation_id"]!.GetValue<string>().ShouldBe(correlation, text);
        response.Headers.GetValues(AuditProbe.CorrelationHeader).ShouldHaveSingleItem().ShouldBe(correlation);
    }

    private static void ShouldBeResults(JsonNode body, params (int Status, string Code)[] expected)
    {
        var text = body.ToJsonString();
        body["results"]!.AsArray().Select(r => (r!["status"]!.GetValue<int>(), r["code"]?.GetValue<string>() ?? "")).ToList()
            .ShouldBe(expected.ToList(), text);
        body["failed"]!.GetValue<int>().ShouldBe(expected.Length, text);
    }
}
