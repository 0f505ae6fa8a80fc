using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using Serilog.Events;

namespace Secrets.Host.Tests;

/// <summary>Per-client rate limiting (docs/CONFIGURATION.md#rate-limiting): RATE_LIMIT_PER_CLIENT_RPS, RATE_LIMIT_BURST → 429 RATE_LIMITED.</summary>
public sealed class RateLimitTests
{
    private const string Read = "/api/secrets/value?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";
    private const string AddressHeader = "X-Test-Remote-Address";

    /// <summary>
    /// The host with the limits of a test; a request's remote address comes from <see cref="AddressHeader"/>
    /// (set before the host's own pipeline runs, as the server would), so tests can act as several clients.
    /// </summary>
    private sealed class LimitedHost(string? rps, string? burst, Secrets.Testing.Auth.TestIssuer? issuer = null)
        : SecretsHostFactory(Settings(rps, burst, issuer))
    {
        private static Dictionary<string, string?> Settings(string? rps, string? burst, Secrets.Testing.Auth.TestIssuer? issuer)
        {
            var settings = issuer is null ? [] : Trusting(issuer);
            settings["RATE_LIMIT_PER_CLIENT_RPS"] = rps;
            settings["RATE_LIMIT_BURST"] = burst;
            settings["TOKEN_REPLAY_GUARD"] = "false";   // one token reads one secret many times here: buckets, not replays, are under test
            return settings;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
        }
    }

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (IPAddress.TryParse(http.Request.Headers[AddressHeader].ToString(), out var address))
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    private static HttpClient ClientAt(SecretsHostFactory host, string address)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    /// <summary>Exercises every path a test uses from an address of its own, so the first timed requests are not slowed by warm-up.</summary>
    private static async Task WarmUpAsync(SecretsHostFactory host)
    {
        var client = ClientAt(host, "10.255.255.255");
        await client.GetAsync(Read);
        await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/warm#k", value = "v" });
    }

    /// <summary>Sends reads until the first 429 (bounded), and returns it.</summary>
    private static async Task<HttpResponseMessage> ExhaustAsync(HttpClient client, int bound = 20)
    {
        for (var i = 0; i < bound; i++)
        {
            var response = await client.GetAsync(Read);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return response;
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        throw new ShouldAssertException($"no 429 within {bound} requests");
    }

    [Fact]
    public async Task The_request_past_the_burst_is_429_RATE_LIMITED_with_Retry_After_and_changes_nothing()
    {
        using var host = new LimitedHost("1", "3");
        await WarmUpAsync(host);
        var client = ClientAt(host, "10.0.0.1");

        for (var i = 0; i < 3; i++)
            (await client.GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/secrets")
        {
            Content = JsonContent("""{"uri":"yaml://secret/limited#k","value":"canary-rate-5f1c"}"""),
        };
        write.Headers.Add("X-Correlation-ID", "corr-limited-1");
        var response = await client.SendAsync(write);

        var body = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        body["title"]!.GetValue<string>().ShouldBe("Too Many Requests");
        body["detail"]!.GetValue<string>().ShouldBe(ErrorCode.RateLimited.Detail);
        body["correlation_id"]!.GetValue<string>().ShouldBe("corr-limited-1");
        response.Headers.GetValues("X-Correlation-ID").ShouldBe(["corr-limited-1"]);
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.RetryAfter.ShouldNotBeNull();
        response.Headers.RetryAfter.Delta.ShouldNotBeNull();
        response.Headers.RetryAfter.Delta.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldNotContain("limited");
        var log = host.Logs.AllText();
        log.ShouldNotContain("canary-rate-5f1c");
        // a rejection is no error of the service: nothing at Warning or above (LOG_REQUESTS=true would log the 429 line)
        host.Logs.Events.ShouldNotContain(e => e.Level >= LogEventLevel.Warning);
    }

    [Fact]
    public async Task Another_address_has_its_own_bucket()
    {
        using var host = new LimitedHost("1", "3");
        var limited = ClientAt(host, "10.0.0.1");
        await ExhaustAsync(limited);

        (await ClientAt(host, "10.0.0.2").GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await limited.GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task With_tokens_each_client_id_has_its_own_bucket_whatever_its_address()
    {
        using var issuer = new Secrets.Testing.Auth.TestIssuer();
        using var host = new LimitedHost("1", "3", issuer);
        HttpClient As(string clientId, string address)
        {
            var client = ClientAt(host, address);
            client.DefaultRequestHeaders.Authorization = new("Bearer", issuer.Token(b => b.Claims["client_id"] = clientId));
            return client;
        }
        await ExhaustAsync(As("app-a", "10.0.0.1"));

        (await As("app-b", "10.0.0.1").GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);            // same address, other client
        (await As("app-a", "10.0.0.9").GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);   // same client, other address
        (await ClientAt(host, "10.0.0.1").GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);          // anonymous: by address
    }

    [Fact]
    public void The_partition_is_the_client_id_when_there_is_one_else_the_address()
    {
        static RateLimitPartitionKey KeyOf(string? clientId, string address)
        {
            var http = new DefaultHttpContext();
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            http.Features.Set(Caller.Anonymous("c") with { ClientId = clientId });
            return RateLimitPartitionKey.For(http);
        }

        KeyOf("app-a", "10.0.0.1").ShouldNotBe(KeyOf("app-b", "10.0.0.1"));   // two clients behind one address
        KeyOf("app-a", "10.0.0.1").ShouldBe(KeyOf("app-a", "10.0.0.2"));      // one client from two addresses
        KeyOf(null, "10.0.0.1").ShouldBe(KeyOf(null, "::ffff:10.0.0.1"));       // anonymous: one address, one bucket
        KeyOf(null, "10.0.0.1").ShouldNotBe(KeyOf(null, "10.0.0.2"));
        KeyOf("app-a", "10.0.0.1").ToString().ShouldBe("client:app-a");
        KeyOf(null, "10.0.0.1").ToString().ShouldBe("ip:10.0.0.1");
        KeyOf(null, "10.0.0.1").ShouldNotBe(RateLimitPartitionKey.Exempt);
    }

    [Fact]
    public async Task Tokens_refill_and_requests_pass_again()
    {
        using var host = new LimitedHost("1", "3");
        var client = ClientAt(host, "10.0.0.1");
        await ExhaustAsync(client);

        var waited = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            status = (await client.GetAsync(Read)).StatusCode;   // a rejected request takes no token
        }
        while (status == HttpStatusCode.TooManyRequests && waited.Elapsed < TimeSpan.FromSeconds(10));

        status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("0", "3")]
    [InlineData("1", "0")]
    public async Task Zero_in_either_setting_disables_limiting(string rps, string burst)
    {
        using var host = new LimitedHost(rps, burst);
        var client = ClientAt(host, "10.0.0.1");

        for (var i = 0; i < 50; i++)
            (await client.GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter.ShouldBeNull();
    }

    [Fact]
    public void Defaults_apply_when_unset()
    {
        using var host = new LimitedHost(null, null);
        host.Services.GetRequiredService<RateLimitSettings>().ShouldBe(new RateLimitSettings(200, 400));
        host.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("RATE_LIMIT_PER_CLIENT_RPS", "lots")]
    [InlineData("RATE_LIMIT_PER_CLIENT_RPS", "-1")]
    [InlineData("RATE_LIMIT_BURST", "1.5")]
    [InlineData("RATE_LIMIT_BURST", "99999999999")]
    public void Invalid_values_refuse_to_start_naming_the_variable(string variable, string value)
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { [variable] = value });
        var start = () => host.CreateClient();
        start.ShouldThrow<Exception>().ToString().ShouldContain(variable);
    }

    [Fact]
    public async Task Health_metrics_and_api_documents_stay_reachable_while_the_client_is_limited()
    {
        using var host = new LimitedHost("1", "1");
        var client = ClientAt(host, "10.0.0.1");

        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics", "/swagger/v1/swagger.json", "/docs" })
        {
            await ExhaustAsync(client);   // limited right before each call (a token may have refilled meanwhile)
            (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
            (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
