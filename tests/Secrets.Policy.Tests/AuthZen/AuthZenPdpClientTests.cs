using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Testing;
using Secrets.Testing.Logging;
using WireMock.RequestBuilders;
using WireMock.Server;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;
using static Secrets.Testing.ScriptedHttp;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The AuthZEN client against a scripted external PDP (WireMock.Net on loopback): the request shape
/// documented in docs/AUTHORIZATION.md#request, the mapping of answers, and failing closed on everything that is not an answer.
/// </summary>
public sealed class AuthZenPdpClientTests : IDisposable
{
    private const string Evaluation = "/access/v1/evaluation";
    private const string Evaluations = "/access/v1/evaluations";
    private const string Configuration = "/.well-known/authzen-configuration";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly WireMockServer server = ScriptedHttp.Start();
    private readonly List<ServiceProvider> owned = [];
    private readonly string token = "pdp-token-canary-" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        foreach (var provider in owned)
            provider.Dispose();
        server.Stop();
        server.Dispose();
    }

    // ---- single evaluation ----

    [Fact]
    public async Task Single_permit_carries_decision_id_obligations_and_reason()
    {
        Answer(Evaluation, 200, """
            {"decision":true,"context":{"decision_id":"dec_42","obligations":{"ttl_seconds":60,"max_uses":3,"require_binding":"dpop"},"reason":"owner"}}
            """);

        var verdicts = await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().ShouldBe(new AccessVerdict(true, "dec_42", 60, 3, "dpop", "owner"));
        Received(server, Evaluations).ShouldBeEmpty();
    }

    [Fact]
    public async Task Single_permit_without_obligations_leaves_them_to_the_defaults()
    {
        Answer(Evaluation, 200, """{"decision":true}""");

        var verdicts = await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().ShouldBe(new AccessVerdict(true, null, null, null, null, null));
    }

    [Fact]
    public async Task Single_deny_is_a_deny_with_its_decision_id_and_reason()
    {
        Answer(Evaluation, 200, """{"decision":false,"context":{"decision_id":"dec_7","reason":"not the owner"}}""");

        var verdicts = await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().ShouldBe(new AccessVerdict(false, "dec_7", null, null, null, "not the owner"));
    }

    [Fact]
    public async Task Request_body_is_the_documented_AuthZEN_shape_field_by_field_with_the_bearer_token()
    {
        Answer(Evaluation, 200, """{"decision":true}""");

        await Pdp(token: token).EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        var sent = Received(server, Evaluation).ShouldHaveSingleItem();
        sent.RequestMessage.Method.ShouldBe("POST");
        Header(sent, "Authorization").ShouldBe("Bearer " + token);
        Header(sent, "X-Request-ID").ShouldBe("corr-1");   // the correlation id, as AuthZEN's request id
        Header(sent, "Content-Type")!.ShouldStartWith("application/json");
        var body = Body(sent);
        body.AsObject().Select(p => p.Key).ShouldBe(["subject", "action", "resource", "context"], ignoreOrder: true);

        var subject = body["subject"]!;
        Str(subject["type"]).ShouldBe("user");
        Str(subject["id"]).ShouldBe("alice");
        Str(subject["properties"]!["tenant_id"]).ShouldBe("t1");
        Str(subject["properties"]!["client_id"]).ShouldBe("cli-1");
        Str(subject["properties"]!["issuer"]).ShouldBe("https://issuer.example");
        Str(subject["properties"]!["cnf_binding"]).ShouldBe("jkt-123");

        var resource = body["resource"]!;
        Str(resource["type"]).ShouldBe("secret");
        Str(resource["id"]).ShouldBe("openbao+kv2://secret/app/db#password");
        Str(resource["properties"]!["tenant_id"]).ShouldBe("t1");
        Str(resource["properties"]!["mount"]).ShouldBe("secret");
        var attributes = resource["properties"]!["resource_attributes"]!;
        Str(attributes["owner"]).ShouldBe("alice");
        Str(attributes["created_by"]).ShouldBe("bob");
        Str(attributes["created_at"]).ShouldBe("2024-05-01T12:00:00.123Z");

        Str(body["action"]!["name"]).ShouldBe("read");

        var context = body["context"]!;
        context["aud"]!.AsArray().Select(Str).ShouldBe(["crud.secrets", "other-api"]);
        Str(context["token_jti"]).ShouldBe("jti-1");
        Str(context["correlation_id"]).ShouldBe("corr-1");
        Str(context["workflow_run_id"]).ShouldBe("wf-1");
        Str(context["node_id"]).ShouldBe("node-1");
        Str(context["system_id"]).ShouldBe("sys-1");
    }

    [Fact]
    public async Task Without_PDP_TOKEN_there_is_no_authorization_header_and_nulls_are_omitted()
    {
        Answer(Evaluation, 200, """{"decision":true}""");

        await Pdp().EvaluateAsync([Minimal()], EvaluationSemantic.ExecuteAll, Ct);

        var sent = Received(server, Evaluation).ShouldHaveSingleItem();
        Header(sent, "Authorization").ShouldBeNull();
        Header(sent, "X-Request-ID").ShouldBeNull();
        var body = Body(sent);
        body.ToJsonString().ShouldNotContain("null");
        body["subject"]!.AsObject().Select(p => p.Key).ShouldBe(["type", "id"], ignoreOrder: true);
        Str(body["subject"]!["id"]).ShouldBe("anonymous");
        body["resource"]!["properties"]!.AsObject().Select(p => p.Key).ShouldBe(["mount"]);
        body["context"].ShouldBeNull();
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_it()
    {
        server.Given(Request.Create().WithPath("/authz" + Evaluation).UsingPost()).RespondWith(Json(200, """{"decision":true}"""));

        var verdicts = await Pdp(url: server.Url + "/authz").EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().Decision.ShouldBeTrue();
    }

    // ---- batch ----

    [Theory]
    [InlineData(EvaluationSemantic.ExecuteAll, "execute_all")]
    [InlineData(EvaluationSemantic.DenyOnFirstDeny, "deny_on_first_deny")]
    [InlineData(EvaluationSemantic.PermitOnFirstPermit, "permit_on_first_permit")]
    public async Task Batch_goes_to_evaluations_with_the_semantic_and_maps_each_answer_in_order(EvaluationSemantic semantic, string name)
    {
        Answer(Evaluations, 200, """
            {"evaluations":[
              {"decision":false,"context":{"decision_id":"dec_a","reason":"no"}},
              {"decision":true,"context":{"decision_id":"dec_b","obligations":{"ttl_seconds":30,"max_uses":2,"require_binding":"mtls"}}},
              {"decision":true,"context":{"decision_id":"dec_c"}}
            ]}
            """);
        PolicyRequest[] asked = [Full(action: "read"), Full(uri: "openbao+kv2://secret/app/other", action: "write"), Minimal()];

        var verdicts = await Pdp(token: token).EvaluateAsync(asked, semantic, Ct);

        verdicts.ShouldBe([
            new AccessVerdict(false, "dec_a", null, null, null, "no"),
            new AccessVerdict(true, "dec_b", 30, 2, "mtls", null),
            new AccessVerdict(true, "dec_c", null, null, null, null),
        ]);
        Received(server, Evaluation).ShouldBeEmpty();
        var sent = Received(server, Evaluations).ShouldHaveSingleItem();
        Header(sent, "Authorization").ShouldBe("Bearer " + token);
        Header(sent, "X-Request-ID").ShouldBe("corr-1");
        var body = Body(sent);
        Str(body["options"]!["evaluations_semantic"]).ShouldBe(name);
        var items = body["evaluations"]!.AsArray();
        items.Count.ShouldBe(3);
        for (var i = 0; i < asked.Length; i++)   // full items: each is what a single evaluation would send
            items[i]!.ToJsonString().ShouldBe(System.Text.Json.JsonSerializer.Serialize(AuthZenMapping.ToWire(asked[i]), AuthZenJson.Default.AuthZenEvaluationRequest));
        Str(items[1]!["action"]!["name"]).ShouldBe("write");
        Str(items[1]!["resource"]!["id"]).ShouldBe("openbao+kv2://secret/app/other");
    }

    [Fact]
    public async Task A_short_batch_returns_just_the_verdicts_given()
    {
        Answer(Evaluations, 200, """{"evaluations":[{"decision":true,"context":{"decision_id":"dec_1"}},{"decision":false,"context":{"decision_id":"dec_2"}}]}""");

        var verdicts = await Pdp().EvaluateAsync([Full(), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.DenyOnFirstDeny, Ct);

        verdicts.Select(v => (v.Decision, v.DecisionId)).ShouldBe([(true, "dec_1"), (false, "dec_2")]);
    }

    [Fact]
    public async Task A_batch_item_without_a_boolean_decision_is_a_deny_and_the_others_stand()
    {
        Answer(Evaluations, 200, """{"evaluations":[{"decision":"true","context":{"decision_id":"dec_1"}},{"decision":true},7]}""");

        var verdicts = await Pdp().EvaluateAsync([Full(), Full(action: "write"), Full(action: "delete")], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldBe([
            new AccessVerdict(false, "dec_1", null, null, null, "malformed decision"),
            new AccessVerdict(true, null, null, null, null, null),
            new AccessVerdict(false, null, null, null, null, "malformed decision"),
        ]);
    }

    [Theory]
    [InlineData("""{"results":[]}""")]
    [InlineData("""{"evaluations":{"decision":true}}""")]
    [InlineData("""{"evaluations":null}""")]
    [InlineData("""{"decision":true}""")]
    public async Task A_batch_answer_without_an_evaluations_array_is_unavailable(string answer)
    {
        Answer(Evaluations, 200, answer);

        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Fact]
    public async Task A_batch_answer_with_more_items_than_asked_is_unavailable()
    {
        Answer(Evaluations, 200, """{"evaluations":[{"decision":true},{"decision":true},{"decision":true}]}""");

        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }

    // ---- malformed single answers ----

    [Theory]
    [InlineData("""{"context":{"decision_id":"dec_9"}}""")]
    [InlineData("""{"decision":"true","context":{"decision_id":"dec_9"}}""")]
    [InlineData("""{"decision":1,"context":{"decision_id":"dec_9"}}""")]
    [InlineData("""{"decision":null,"context":{"decision_id":"dec_9"}}""")]
    [InlineData("""{"decision":{"value":true},"context":{"decision_id":"dec_9"}}""")]
    public async Task A_missing_or_non_boolean_decision_is_a_deny_not_unavailable(string answer)
    {
        Answer(Evaluation, 200, answer);

        var verdicts = await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().ShouldBe(new AccessVerdict(false, "dec_9", null, null, null, "malformed decision"));
    }

    [Fact]
    public async Task Wrong_typed_obligations_and_context_members_are_treated_as_absent()
    {
        Answer(Evaluation, 200, """
            {"decision":true,"context":{"decision_id":42,"obligations":{"ttl_seconds":"60","max_uses":2.5,"require_binding":1},"reason":["r"]}}
            """);

        var verdicts = await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().ShouldBe(new AccessVerdict(true, null, null, null, null, null));
    }

    [Theory]
    [InlineData("""{"decision":true,"context":"dec_1"}""")]
    [InlineData("""{"decision":true,"context":{"obligations":[60,3]}}""")]
    [InlineData("""{"decision":true,"context":{"obligations":{"ttl_seconds":99999999999,"max_uses":-1}}}""")]
    public async Task Obligations_that_are_not_an_object_of_integers_are_absent(string answer)
    {
        Answer(Evaluation, 200, answer);

        var verdict = (await Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)).ShouldHaveSingleItem();

        verdict.Decision.ShouldBeTrue();
        verdict.TtlSeconds.ShouldBeNull();
        verdict.RequireBinding.ShouldBeNull();
    }

    // ---- fail closed ----

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(404)]
    [InlineData(401)]
    [InlineData(302)]
    public async Task A_non_2xx_answer_is_unavailable_without_its_body_in_the_message(int status)
    {
        var canary = "body-canary-" + Guid.NewGuid().ToString("N");
        server.Given(Request.Create().WithPath(Evaluation).UsingPost())
            .RespondWith(Json(status, $$"""{"decision":true,"error":"{{canary}}"}""").WithHeader("Location", server.Url + "/elsewhere"));

        var failure = await Should.ThrowAsync<PdpUnavailableException>(() => Pdp(token: token).EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));

        failure.Message.ShouldContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        failure.ToString().ShouldNotContain(canary);
        failure.ToString().ShouldNotContain(token);
        Received(server, Evaluation).Count.ShouldBe(1);   // one attempt, no retries, no redirect followed
        Received(server, "/elsewhere").ShouldBeEmpty();
    }

    [Fact]
    public async Task No_answer_within_PDP_TIMEOUT_MS_is_unavailable_after_one_attempt()
    {
        server.Given(Request.Create().WithPath(Evaluation).UsingPost())
            .RespondWith(Json(200, """{"decision":true}""").WithDelay(TimeSpan.FromSeconds(10)));
        var pdp = Pdp(timeoutMs: 300);
        var clock = Stopwatch.StartNew();

        var failure = await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));

        failure.Message.ShouldContain("300 ms");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8));   // it gave up long before the PDP would have answered
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable()
    {
        var pdp = Pdp(url: $"http://127.0.0.1:{LoopbackPorts.Unused()}");

        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_turned_into_unavailable()
    {
        server.Given(Request.Create().WithPath(Evaluation).UsingPost())
            .RespondWith(Json(200, """{"decision":true}""").WithDelay(TimeSpan.FromSeconds(10)));
        using var cancel = new CancellationTokenSource();
        var call = Pdp(timeoutMs: 30_000).EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, cancel.Token);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => call);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"decision":true""")]
    [InlineData("")]
    public async Task A_body_that_is_not_JSON_is_unavailable(string answer)
    {
        Answer(Evaluation, 200, answer);
        Answer(Evaluations, 200, answer);

        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"decision":true}]""")]
    [InlineData("true")]
    [InlineData("\"permit\"")]
    [InlineData("null")]
    public async Task A_JSON_answer_that_is_not_an_object_is_unavailable(string answer)
    {
        Answer(Evaluation, 200, answer);
        Answer(Evaluations, 200, answer);

        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        await Should.ThrowAsync<PdpUnavailableException>(() => Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Fact]
    public async Task The_token_is_never_logged_even_at_trace_level()
    {
        var logs = new CapturingLoggerProvider();
        Answer(Evaluation, 200, """{"decision":true}""");
        Answer(Evaluations, 500, """{"error":"down"}""");
        var pdp = Services(token: token, logs: logs).GetRequiredService<IPolicyDecisionPoint>();

        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));

        logs.Text.ShouldNotBeEmpty();   // the HttpClient did log its requests
        logs.Text.ShouldNotContain(token);
    }

    [Fact]
    public async Task No_questions_ask_nothing()
    {
        (await Pdp().EvaluateAsync([], EvaluationSemantic.ExecuteAll, Ct)).ShouldBeEmpty();
        server.LogEntries.ShouldBeEmpty();
    }

    // ---- readiness ----

    [Theory]
    [InlineData(200, """{"policy_decision_point":"{url}","access_evaluation_endpoint":"{url}/access/v1/evaluation"}""", HealthStatus.Healthy)]
    [InlineData(404, "{}", HealthStatus.Healthy)]
    [InlineData(200, "{}", HealthStatus.Unhealthy)]
    [InlineData(200, """{"policy_decision_point":"https://elsewhere.example","access_evaluation_endpoint":"https://elsewhere.example/access/v1/evaluation"}""", HealthStatus.Unhealthy)]
    [InlineData(401, "{}", HealthStatus.Unhealthy)]
    [InlineData(500, "{}", HealthStatus.Unhealthy)]
    [InlineData(503, "{}", HealthStatus.Unhealthy)]
    public async Task The_pdp_ready_check_reads_the_metadata_and_is_healthy_when_it_can_be_used_or_there_is_none(int status, string document, HealthStatus expected)
    {
        server.Given(Request.Create().WithPath(Configuration).UsingGet()).RespondWith(Json(status, document.Replace("{url}", server.Url, StringComparison.Ordinal)));

        var report = await HealthAsync(Services());

        report.Entries["pdp"].Status.ShouldBe(expected);
        Received(server, Configuration).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_pdp_ready_check_is_unhealthy_when_the_pdp_is_unreachable()
    {
        var report = await HealthAsync(Services(url: $"http://127.0.0.1:{LoopbackPorts.Unused()}"));

        report.Entries["pdp"].Status.ShouldBe(HealthStatus.Unhealthy);
    }

    [Fact]
    public void The_pdp_ready_check_carries_the_ready_tag()
    {
        var registrations = Services().GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        registrations.ShouldHaveSingleItem().Name.ShouldBe("pdp");
        registrations.Single().Tags.ShouldContain("ready");
    }

    // ---- settings ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pdp.example.com")]
    [InlineData("/relative/path")]
    [InlineData("ftp://pdp.example.com")]
    [InlineData("https://pdp.example.com/?x=1")]
    [InlineData("https://pdp.example.com/#f")]
    [InlineData("ftp://127.0.0.1/pdp")]
    public void An_invalid_PDP_URL_is_a_startup_error_naming_it(string? url)
    {
        var failure = Should.Throw<InvalidOperationException>(() => Options(url));

        failure.Message.ShouldContain("PDP_URL");
    }

    [Theory]
    [InlineData("99")]
    [InlineData("60001")]
    [InlineData("soon")]
    public void An_invalid_PDP_TIMEOUT_MS_is_a_startup_error_naming_it(string timeout)
    {
        var failure = Should.Throw<InvalidOperationException>(() => Options("https://pdp.example.com", timeout: timeout));

        failure.Message.ShouldContain("PDP_TIMEOUT_MS");
    }

    [Fact]
    public void Settings_have_their_defaults_and_never_show_the_token()
    {
        var options = Options("https://pdp.example.com/authz/", token: "  " + token + " ");

        options.IdentifierText.ShouldBe("https://pdp.example.com/authz");
        options.BaseUrl.ShouldBe(new Uri("https://pdp.example.com/authz/"));
        options.MetadataUrl.ShouldBe(new Uri("https://pdp.example.com/.well-known/authzen-configuration/authz"));
        options.Timeout.ShouldBe(TimeSpan.FromMilliseconds(2000));
        options.Token.ShouldBe(token);
        options.ToString().ShouldNotContain(token);
        var minimal = Options("http://127.0.0.1:9", token: " ", timeout: "150");
        (minimal.IdentifierText, minimal.Token, minimal.Timeout).ShouldBe(("http://127.0.0.1:9", null, TimeSpan.FromMilliseconds(150)));
        minimal.MetadataUrl.ShouldBe(new Uri("http://127.0.0.1:9/.well-known/authzen-configuration"));
    }

    [Theory]
    [InlineData("test", "http://pdp.example.com")]
    [InlineData("prod", "http://pdp.example.com/authz")]
    public void An_http_PDP_URL_outside_dev_and_loopback_is_a_startup_error(string environment, string url)
    {
        var failure = Should.Throw<InvalidOperationException>(() => Options(url, environment: environment));

        failure.Message.ShouldContain("PDP_URL");
        failure.Message.ShouldContain("https");
    }

    [Theory]
    [InlineData("test", "http://127.0.0.1:9")]
    [InlineData("prod", "http://localhost:9/pdp")]
    [InlineData("dev", "http://pdp.example.com")]
    [InlineData("prod", "https://pdp.example.com")]
    public void Https_loopback_and_dev_PDP_URLs_are_accepted(string environment, string url) =>
        Options(url, environment: environment).IdentifierText.ShouldBe(url);

    // ---- helpers ----

    private void Answer(string path, int status, string body) =>
        server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Json(status, body));

    private static AuthZenOptions Options(string? url, string? token = null, string? timeout = null, string? environment = null)
    {
        var settings = new Dictionary<string, string?> { ["PDP_URL"] = url, ["PDP_TOKEN"] = token, ["PDP_TIMEOUT_MS"] = timeout, ["ENVIRONMENT"] = environment };
        return AuthZenOptions.From(k => settings.GetValueOrDefault(k));
    }

    private ServiceProvider Services(string? url = null, string? token = null, int? timeoutMs = null, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (logs is not null)
                b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        });
        // generous unless a test is about the timeout: the first request to a fresh server can be slow on a busy machine
        services.AddAuthZenClient(Options(url ?? server.Url, token, (timeoutMs ?? 20_000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var provider = services.BuildServiceProvider();
        owned.Add(provider);
        return provider;
    }

    private IPolicyDecisionPoint Pdp(string? url = null, string? token = null, int? timeoutMs = null) =>
        Services(url, token, timeoutMs).GetRequiredService<IPolicyDecisionPoint>();

    private static Task<HealthReport> HealthAsync(IServiceProvider services) =>
        services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

    private static string Str(JsonNode? node) => node!.GetValue<string>();
}
