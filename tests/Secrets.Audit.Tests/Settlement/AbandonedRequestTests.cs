using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Secrets.Audit.Tests.Settlement;

/// <summary>A request the client abandons while its provider call is in flight is audited as what it was: REQUEST_ABORTED, not a bad request.</summary>
public sealed class AbandonedRequestTests : IDisposable
{
    private readonly WireMockServer provider = ScriptedHttp.Start();

    public void Dispose()
    {
        provider.Stop();
        provider.Dispose();
    }

    [Fact]
    public async Task A_read_abandoned_during_the_provider_call_is_one_REQUEST_ABORTED_record()
    {
        provider.Given(Request.Create().WithPath("/v1/auth/token/lookup-self").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"data":{"ttl":0,"renewable":false}}"""));
        provider.Given(Request.Create().WithPath("/v1/secret/data/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"data":{"data":{"k":"v"},"metadata":{"version":1}}}""").WithDelay(TimeSpan.FromSeconds(3)));
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["OPENBAO_URL"] = provider.Url, ["OPENBAO_TOKEN"] = "s.test" });
        var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secrets/value?uri=" + HttpAssertions.Q("openbao+kv2://secret/slow#k"));
        request.Headers.Add("X-Correlation-ID", "abandoned-1");

        using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            await Should.ThrowAsync<OperationCanceledException>(() => client.SendAsync(request, giveUp.Token));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<System.Text.Json.Nodes.JsonNode> events;
        while ((events = await AuditProbe.EventsAsync(client, "correlation_id=abandoned-1")).Count == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the abandoned request was never audited");
            await Task.Delay(100);
        }
        var e = events.ShouldHaveSingleItem();
        (e["event_type"]!.GetValue<string>(), e["effect"]!.GetValue<string>(), e["error_code"]!.GetValue<string>())
            .ShouldBe(("SECRET_READ", "failure", "REQUEST_ABORTED"));
    }
}
