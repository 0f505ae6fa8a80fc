using System.Net;
using Secrets.Testing;

namespace Secrets.Host.Tests;

public sealed class CorrelationAndHealthTests : IClassFixture<DefaultSecretsHost>
{
    private readonly SecretsHostFactory host;
    private readonly HttpClient client;

    public CorrelationAndHealthTests(DefaultSecretsHost host)
    {
        this.host = host;
        client = host.CreateClient();
    }

    [Fact]
    public async Task Incoming_correlation_id_is_echoed_in_header_problem_body_and_logs()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fmissing");
        request.Headers.Add("X-Correlation-ID", "corr-123.abc");
        var response = await client.SendAsync(request);

        response.Headers.GetValues("X-Correlation-ID").ShouldBe(["corr-123.abc"]);
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        body["correlation_id"]!.GetValue<string>().ShouldBe("corr-123.abc");
        host.Logs.Events.ShouldContain(e => e.Properties.ContainsKey("CorrelationId") && e.Properties["CorrelationId"].ToString() == "\"corr-123.abc\"");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("<script>")]
    public async Task Unsafe_correlation_ids_are_replaced_by_a_fresh_one(string incoming)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Correlation-ID", incoming);
        var response = await client.SendAsync(request);
        var id = response.Headers.GetValues("X-Correlation-ID").Single();
        id.ShouldNotBe(incoming);
        id.Length.ShouldBe(32);
    }

    [Fact]
    public async Task Every_response_gets_a_correlation_id_and_security_headers()
    {
        var response = await client.GetAsync("/health/live");
        response.Headers.GetValues("X-Correlation-ID").Single().ShouldNotBeNullOrEmpty();
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task Live_and_ready_are_healthy_on_a_good_file()
    {
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus()
    {
        await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Felsewhere%2Fx");   // a tenant violation to count
        var text = await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync();
        text.ShouldContain("tenant_mount_violation_total");
    }
}
