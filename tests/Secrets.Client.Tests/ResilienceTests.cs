using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Authentication;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Secrets.Client.Tests;

/// <summary>Retries of 429/503 that honour Retry-After, and the client-credentials token source, against WireMock.</summary>
public sealed class ResilienceTests : IDisposable
{
    private readonly WireMockServer server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public void Dispose() => server.Stop();

    private SecretsClient Client(int maxRetries = 3)
    {
        var services = new ServiceCollection().AddSecretsClient(o =>
        {
            o.BaseAddress = new Uri(server.Url!);
            o.MaxRetries = maxRetries;
        }).Services.BuildServiceProvider();
        return services.GetRequiredService<SecretsClient>();
    }

    private void Answer(string scenario, string state, string next, int status, string body, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", status < 400 ? "application/json" : "application/problem+json").WithBody(body);
        if (retryAfter is not null)
            response = response.WithHeader("Retry-After", retryAfter);
        server.Given(Request.Create().WithPath("/api/secrets/value").UsingGet()).InScenario(scenario).WhenStateIs(state).WillSetStateTo(next).RespondWith(response);
    }

    [Theory]
    [InlineData(503, "PROVIDER_UNAVAILABLE")]
    [InlineData(429, "RATE_LIMITED")]
    public async Task A_429_or_503_is_sent_again_after_its_Retry_After_and_the_answer_that_follows_is_returned(int status, string code)
    {
        server.Given(Request.Create().WithPath("/api/secrets/value").UsingGet()).InScenario("retry").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/problem+json")
                .WithBody($$"""{"code":"{{code}}","correlation_id":"c1"}"""));
        Answer("retry", "second", "done", 200, """{"uri":"yaml://secret/env#K","version":null,"value":"v"}""");
        var clock = Stopwatch.StartNew();

        var read = await Client().ReadStringAsync("yaml://secret/env#K");

        read.ShouldBe("v");
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));   // waited for Retry-After: 1
        server.LogEntries.Count.ShouldBe(2);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_problem_is_thrown_with_its_code_and_Retry_After()
    {
        server.Given(Request.Create().WithPath("/api/secrets/value").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "0").WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"code":"PDP_UNAVAILABLE","correlation_id":"c9"}"""));

        var problem = await Should.ThrowAsync<SecretsApiException>(() => Client(maxRetries: 2).ReadAsync("yaml://secret/env#K"));

        (problem.Status, problem.Code, problem.CorrelationId).ShouldBe((HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE", "c9"));
        problem.RetryAfter.ShouldBe(TimeSpan.Zero);
        server.LogEntries.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        server.Given(Request.Create().WithPath("/api/secrets/value").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"code":"PROVIDER_ERROR","correlation_id":"c2"}"""));

        (await Should.ThrowAsync<SecretsApiException>(() => Client().ReadAsync("yaml://secret/env#K"))).Code.ShouldBe("PROVIDER_ERROR");

        server.LogEntries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_that_is_not_problem_json_is_HTTP_and_its_status()
    {
        server.Given(Request.Create().WithPath("/api/secrets/value").UsingGet()).RespondWith(Response.Create().WithStatusCode(404).WithBody("<html>no</html>"));

        (await Should.ThrowAsync<SecretsApiException>(() => Client().ReadAsync("yaml://secret/env#K"))).Code.ShouldBe("HTTP_404");
    }

    [Fact]
    public async Task Client_credentials_fetch_a_token_keep_it_until_shortly_before_expiry_then_fetch_another()
    {
        server.Given(Request.Create().WithPath("/token").UsingPost().WithBody(b => b!.Contains("grant_type=client_credentials") && b.Contains("client_secret=s3cret")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"access_token":"tok-{{request.Path}}","token_type":"Bearer","expires_in":120}""")
                .WithTransformer());
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient();
        using var tokens = new ClientCredentialsTokenSource(http, new Uri(server.Url + "/token"), "app", "s3cret", "secrets.read", time);

        var first = await tokens.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(80));
        var cached = await tokens.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(15));   // 95 s: within 30 s of the 120 s expiry
        var refreshed = await tokens.GetTokenAsync(CancellationToken.None);

        first.ShouldBe("tok-/token");
        cached.ShouldBe(first);
        refreshed.ShouldBe(first);
        server.LogEntries.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_refused_client_credential_is_a_typed_error_that_names_neither_the_secret_nor_a_token()
    {
        server.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":"invalid_client"}"""));
        using var http = new HttpClient();
        using var tokens = new ClientCredentialsTokenSource(http, new Uri(server.Url + "/token"), "app", "wrong-s3cret");

        var refused = await Should.ThrowAsync<SecretsApiException>(() => tokens.GetTokenAsync(CancellationToken.None).AsTask());

        refused.Code.ShouldBe("TOKEN_ENDPOINT_REFUSED");
        refused.ToString().ShouldNotContain("wrong-s3cret");
    }
}
