using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Settlement;

/// <summary>
/// The hosts of <see cref="OneRecordPerRequestTests"/>: the dev host (YAML and the embedded KVv2
/// server, authorization off); the same with authorization on and a policy that denies everything;
/// and a dev host whose only KVv2 provider (<c>openbao+kv2://</c>) is a scripted server answering 500
/// to everything but the token lookup.
/// </summary>
public sealed class OneRecordHosts : IDisposable
{
    private readonly WireMockServer provider = ScriptedHttp.Start();
    private readonly List<SecretsHostFactory> hosts = [];

    public OneRecordHosts()
    {
        provider.Given(Request.Create().WithPath("/v1/auth/token/lookup-self").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"data":{"ttl":0,"renewable":false}}"""));
        provider.Given(Request.Create().UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithBody("""{"errors":["internal error"]}"""));

        Dev = Start(new Dictionary<string, string?>());
        // listings decided on their prefix, so a listing is denied like any other use
        Denying = Start(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true", ["LISTING_FILTER"] = "off" }, "version: 1\nrules: []\n");
        Filtering = Start(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true" }, "version: 1\nrules: []\n");
        FailingProvider = Start(new Dictionary<string, string?>
        {
            ["OPENBAO_URL"] = provider.Url,
            ["OPENBAO_TOKEN"] = "s.test-token",
            ["OPENBAO_TIMEOUT"] = "5",
        });
    }

    public HttpClient Dev { get; }
    public HttpClient Denying { get; }

    /// <summary>The same empty policy with listings filtered per entry (the default): a listing shows nothing instead of being denied.</summary>
    public HttpClient Filtering { get; }
    public HttpClient FailingProvider { get; }

    private HttpClient Start(Dictionary<string, string?> settings, string? policies = null)
    {
        settings["RATE_LIMIT_PER_CLIENT_RPS"] = "0";
        var host = new SecretsHostFactory(settings, policies: policies);
        hosts.Add(host);
        return host.CreateClient();
    }

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        provider.Stop();
        provider.Dispose();
    }
}
