using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using static Secrets.Policy.Tests.AuthZen.AuthZenTestKit;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// The client reads the external PDP's metadata (docs/AUTHORIZATION.md#discovery, AuthZEN 1.0 §9): at the well-known URL
/// inserted before the identifier's path, checked against <c>PDP_URL</c>, kept per its Cache-Control, and used for
/// where to send each call; anything that cannot be used fails closed.
/// </summary>
public sealed class AuthZenDiscoveryTests : IDisposable
{
    private const string Evaluation = "/access/v1/evaluation";
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly ExternalPdp tenant = new("/tenant1");
    private readonly ExternalPdp root = new();

    public void Dispose()
    {
        tenant.Dispose();
        root.Dispose();
    }

    [Fact]
    public async Task The_metadata_of_an_identifier_with_a_path_is_read_at_the_inserted_well_known_path_and_its_endpoint_is_used()
    {
        tenant.Metadata(("access_evaluation_endpoint", "/authz/check"));
        tenant.Answer("/authz/check", 200, """{"decision":true,"context":{"decision_id":"dec_1"}}""");

        var verdicts = await tenant.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.ShouldHaveSingleItem().DecisionId.ShouldBe("dec_1");
        Received(tenant.Server, "/.well-known/authzen-configuration/tenant1").ShouldHaveSingleItem().RequestMessage.Method.ShouldBe("GET");
        Received(tenant.Server, "/tenant1/.well-known/authzen-configuration").ShouldBeEmpty();
        Received(tenant.Server, "/tenant1/authz/check").ShouldHaveSingleItem();
        Received(tenant.Server, "/tenant1" + Evaluation).ShouldBeEmpty();   // the metadata's URL, not the default path
    }

    [Fact]
    public async Task An_identifier_without_a_path_reads_the_well_known_path_itself()
    {
        root.Metadata(("access_evaluation_endpoint", Evaluation));
        root.Answer(Evaluation, 200, """{"decision":true}""");

        await root.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        Received(root.Server, "/.well-known/authzen-configuration").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Unknown_members_capabilities_and_signed_metadata_are_ignored()
    {
        root.MetadataAnswer(200, $$$"""
            {"policy_decision_point":"{{{root.Url}}}","access_evaluation_endpoint":"{{{root.Url}}}/access/v1/evaluation",
             "access_evaluations_endpoint":"{{{root.Url}}}/v2/batch","capabilities":["urn:ietf:params:authzen:capability:example"],
             "signed_metadata":"eyJhbGciOiJub25lIn0.e30.","vendor_extension":{"anything":true}}
            """);
        root.Answer("/v2/batch", 200, """{"evaluations":[{"decision":true},{"decision":false}]}""");

        var verdicts = await root.Pdp().EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct);

        verdicts.Select(v => v.Decision).ShouldBe([true, false]);
        Received(root.Server, "/v2/batch").ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("""{"policy_decision_point":"https://evil.example.net","access_evaluation_endpoint":"https://evil.example.net/access/v1/evaluation"}""")]
    [InlineData("""{"policy_decision_point":"{url}/other","access_evaluation_endpoint":"{url}/access/v1/evaluation"}""")]
    [InlineData("""{"policy_decision_point":"{url}"}""")]
    [InlineData("""{"access_evaluation_endpoint":"{url}/access/v1/evaluation"}""")]
    [InlineData("""{"policy_decision_point":"{url}","access_evaluation_endpoint":7}""")]
    [InlineData("""{"policy_decision_point":"{url}","access_evaluation_endpoint":"{url}/access/v1/evaluation","search_resource_endpoint":"ftp://x/y"}""")]
    [InlineData("""{"policy_decision_point":"{url}","access_evaluation_endpoint":"{url}/access/v1/evaluation","policy_decision_point":"https://evil.example.net"}""")]
    [InlineData("""[{"policy_decision_point":"{url}"}]""")]
    [InlineData("""not json""")]
    public async Task Metadata_that_cannot_be_used_fails_every_call_closed_and_nothing_is_asked(string document)
    {
        root.MetadataAnswer(200, document.Replace("{url}", root.Url, StringComparison.Ordinal));
        root.Answer(Evaluation, 200, """{"decision":true}""");
        var services = root.Services();
        var pdp = services.GetRequiredService<IPolicyDecisionPoint>();

        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct));

        root.Server.LogEntries.ShouldAllBe(e => e.RequestMessage.Method == "GET");
        (await ExternalPdp.HealthAsync(services)).ShouldBe(HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task Outside_dev_an_endpoint_on_plain_http_to_another_host_is_not_used()
    {
        root.Metadata(("access_evaluation_endpoint", "http://pdp.example.net/access/v1/evaluation"));

        var pdp = root.Pdp(environment: "test");

        (await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)))
            .Message.ShouldContain("https");
    }

    [Fact]
    public async Task A_metadata_answer_that_is_not_application_json_is_not_used()
    {
        root.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(root.MetadataPath).UsingGet()).RespondWith(
            WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html")
                .WithBody(ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", Evaluation))));

        await Should.ThrowAsync<PdpUnavailableException>(() => root.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
    }

    [Fact]
    public async Task Without_metadata_404_the_default_paths_are_used_and_the_pdp_is_ready()
    {
        tenant.MetadataAnswer(404, "{}");
        tenant.Answer(Evaluation, 200, """{"decision":true}""");
        tenant.Answer("/access/v1/evaluations", 200, """{"evaluations":[{"decision":true},{"decision":true}]}""");
        var services = tenant.Services();
        var pdp = services.GetRequiredService<IPolicyDecisionPoint>();

        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        await pdp.EvaluateAsync([Full(), Full(action: "write")], EvaluationSemantic.ExecuteAll, Ct);

        Received(tenant.Server, "/tenant1" + Evaluation).ShouldHaveSingleItem();
        Received(tenant.Server, "/tenant1/access/v1/evaluations").ShouldHaveSingleItem();
        (await ExternalPdp.HealthAsync(services)).ShouldBe(HealthStatus.Healthy);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(401)]
    [InlineData(302)]
    public async Task Metadata_that_cannot_be_read_the_first_time_fails_closed(int status)
    {
        root.MetadataAnswer(status, "{}");
        root.Answer(Evaluation, 200, """{"decision":true}""");

        var failure = await Should.ThrowAsync<PdpUnavailableException>(() => root.Pdp().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));

        failure.Message.ShouldContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Received(root.Server, Evaluation).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_metadata_is_kept_for_its_max_age_then_read_again()
    {
        root.MetadataAnswer(200, ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", Evaluation)), cacheControl: "max-age=120");
        root.Answer(Evaluation, 200, """{"decision":true}""");
        var pdp = root.Pdp();

        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        root.Time.Advance(TimeSpan.FromSeconds(119));
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        Received(root.Server, root.MetadataPath).Count.ShouldBe(1);

        root.Time.Advance(TimeSpan.FromSeconds(2));
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        Received(root.Server, root.MetadataPath).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("max-age=5", 59, 1)]        // at least a minute
    [InlineData("no-store", 59, 1)]
    [InlineData("max-age=86400", 3599, 1)]  // at most an hour
    [InlineData("max-age=86400", 3601, 2)]
    [InlineData(null, 299, 1)]               // five minutes without one
    [InlineData(null, 301, 2)]
    public async Task The_lifetime_is_the_max_age_between_a_minute_and_an_hour(string? cacheControl, int later, int reads)
    {
        root.MetadataAnswer(200, ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", Evaluation)), cacheControl);
        root.Answer(Evaluation, 200, """{"decision":true}""");
        var pdp = root.Pdp();

        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        root.Time.Advance(TimeSpan.FromSeconds(later));
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        Received(root.Server, root.MetadataPath).Count.ShouldBe(reads);
    }

    [Fact]
    public async Task When_the_metadata_cannot_be_read_again_the_last_one_serves_for_an_hour_then_calls_fail_closed()
    {
        root.MetadataAnswer(200, ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", "/authz")));
        root.Answer("/authz", 200, """{"decision":true}""");
        var pdp = root.Pdp();
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        root.Reset();
        root.MetadataAnswer(503, "{}");
        root.Answer("/authz", 200, """{"decision":true}""");
        root.Time.Advance(TimeSpan.FromMinutes(6));
        (await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)).ShouldHaveSingleItem().Decision.ShouldBeTrue();
        root.Time.Advance(TimeSpan.FromSeconds(10));
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);
        Received(root.Server, root.MetadataPath).Count.ShouldBe(2);   // tried again, then not for 30 s

        root.Time.Advance(TimeSpan.FromMinutes(60));
        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        Received(root.Server, "/authz").Count.ShouldBe(3);
    }

    [Fact]
    public async Task Metadata_that_turns_unusable_is_not_replaced_by_the_last_good_one()
    {
        root.MetadataAnswer(200, ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", Evaluation)));
        root.Answer(Evaluation, 200, """{"decision":true}""");
        var pdp = root.Pdp();
        await pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct);

        root.Reset();
        root.MetadataAnswer(200, ExternalPdp.Document("https://evil.example.net", ("access_evaluation_endpoint", Evaluation)));
        root.Answer(Evaluation, 200, """{"decision":true}""");
        root.Time.Advance(TimeSpan.FromMinutes(6));

        await Should.ThrowAsync<PdpUnavailableException>(() => pdp.EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct));
        Received(root.Server, Evaluation).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Callers_at_the_same_time_share_one_metadata_request()
    {
        root.MetadataAnswer(200, ExternalPdp.Document(root.Url, ("access_evaluation_endpoint", Evaluation)));
        root.Answer(Evaluation, 200, """{"decision":true}""");
        var services = root.Services();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            services.GetRequiredService<IPolicyDecisionPoint>().EvaluateAsync([Full()], EvaluationSemantic.ExecuteAll, Ct)));

        Received(root.Server, root.MetadataPath).Count.ShouldBe(1);
        Received(root.Server, Evaluation).Count.ShouldBe(8);
    }

    [Fact]
    public async Task The_metadata_request_carries_the_bearer_token()
    {
        root.MetadataAnswer(404, "{}");

        await ExternalPdp.HealthAsync(root.Services(token: "pdp-token-1"));

        Secrets.Testing.ScriptedHttp.Header(Received(root.Server, root.MetadataPath).ShouldHaveSingleItem(), "Authorization").ShouldBe("Bearer pdp-token-1");
    }
}
