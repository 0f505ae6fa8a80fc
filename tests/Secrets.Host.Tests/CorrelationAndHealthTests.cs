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

    [Theory]
    [InlineData("GET", "/health/live", null, 200)]
    [InlineData("GET", "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fmissing", null, 404)]
    [InlineData("GET", "/no/such/route", null, 404)]
    [InlineData("POST", "/api/secrets/rotate", "text/plain", 415)]
    [InlineData("GET", "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2F..%2Fx", null, 400)]
    public async Task The_callers_X_Request_ID_comes_back_as_given_on_every_answer(string method, string path, string? contentType, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null)
            request.Content = new StringContent("uri=x", System.Text.Encoding.UTF8, contentType);
        request.Headers.TryAddWithoutValidation("X-Request-ID", "req 42/\"quoted\";x").ShouldBeTrue();

        var response = await client.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(status);
        response.Headers.GetValues("X-Request-ID").ShouldBe(["req 42/\"quoted\";x"]);
    }

    [Fact]
    public async Task Without_an_X_Request_ID_none_comes_back()
    {
        var response = await client.GetAsync("/health/live");

        response.Headers.Contains("X-Request-ID").ShouldBeFalse();
    }

    [Fact]
    public async Task Live_and_ready_are_healthy_on_a_good_file()
    {
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_count_provider_latency_by_provider_and_operation_and_errors_by_code()
    {
        (await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fnothing%23k")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/secrets/value")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var lines = await ScrapeUntilAsync(l => l.StartsWith("secrets_errors_total{", StringComparison.Ordinal) && l.Contains("INVALID_REQUEST", StringComparison.Ordinal));

        lines.ShouldContain(l => l.StartsWith("provider_request_latency_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains("op=\"read\"", StringComparison.Ordinal) && l.Contains("provider=\"yaml\"", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("secrets_errors_total{", StringComparison.Ordinal) && l.Contains("code=\"SECRET_NOT_FOUND\"", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("secrets_errors_total{", StringComparison.Ordinal) && l.Contains("code=\"INVALID_REQUEST\"", StringComparison.Ordinal));
    }

    /// <summary>The exporter answers a scrape from a cache for a moment: scrapes until a line matches (at most 5 s).</summary>
    private async Task<string[]> ScrapeUntilAsync(Func<string, bool> wanted)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var lines = (await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync()).Split('\n');
            if (lines.Any(wanted) || DateTime.UtcNow > until)
                return lines;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus()
    {
        await client.GetAsync("/api/secrets/value?uri=yaml%3A%2F%2Felsewhere%2Fx");   // a tenant violation to count
        var text = await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync();
        text.ShouldContain("tenant_mount_violation_total");
    }
}
