using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using WireMock.Logging;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>What the AuthZEN tests share: a scripted PDP on loopback, sample questions and a closed port.</summary>
internal static class AuthZenTestKit
{
    public static WireMockServer StartPdp() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], Logger = new WireMockNullLogger() });

    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The requests the scripted PDP received on a path, oldest first.</summary>
    public static List<ILogEntry> Received(WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();

    public static JsonNode Body(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!;

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static readonly DateTimeOffset CreatedAt = new(2024, 5, 1, 12, 0, 0, 123, TimeSpan.Zero);

    /// <summary>A question with every documented member set (docs/AUTHORIZATION.md#request).</summary>
    public static PolicyRequest Full(string subject = "alice", string uri = "openbao+kv2://secret/app/db#password", string action = "read") => new(
        new PolicySubject("user", subject, "t1", "cli-1", "https://issuer.example", "jkt-123"),
        new PolicyResource(CanonicalSecretUri.Parse(uri, null, UriAllowance.Prefix), "t1", new ResourceAttributes("alice", "bob", CreatedAt)),
        action,
        new PolicyContext(["crud.secrets", "other-api"], "jti-1", "corr-1", "wf-1", "node-1", "sys-1"));

    /// <summary>An anonymous question with nothing optional set.</summary>
    public static PolicyRequest Minimal(string uri = "yaml://secret/env#MY_API_KEY", string action = "execute") => new(
        new PolicySubject("user", Caller.AnonymousSubject, null, null, null, null),
        new PolicyResource(CanonicalSecretUri.Parse(uri), null, ResourceAttributes.None),
        action,
        PolicyContext.Empty);
}

/// <summary>
/// A deterministic in-process PDP that honours the semantics and records what it was asked:
/// alice may do anything but destroy_versions, an owner may use their own secret, the rest is denied.
/// </summary>
internal sealed class ScriptedPdp : IPolicyDecisionPoint
{
    public ConcurrentQueue<(IReadOnlyList<PolicyRequest> Requests, EvaluationSemantic Semantic)> Calls { get; } = new();

    public bool Unavailable { get; set; }

    public Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct)
    {
        Calls.Enqueue((requests.ToList(), semantic));
        if (Unavailable)
            throw new PdpUnavailableException("scripted outage");
        var verdicts = new List<AccessVerdict>();
        foreach (var request in requests)
        {
            var verdict = Decide(request);
            verdicts.Add(verdict);
            if ((semantic == EvaluationSemantic.DenyOnFirstDeny && !verdict.Decision) || (semantic == EvaluationSemantic.PermitOnFirstPermit && verdict.Decision))
                break;
        }
        return Task.FromResult<IReadOnlyList<AccessVerdict>>(verdicts);
    }

    public static AccessVerdict Decide(PolicyRequest r)
    {
        var id = $"dec_{r.Subject.Id}_{r.Action}_{r.Resource.Uri.Path.Replace('/', '_')}";
        if (r.Subject.Id == "alice" && r.Action != "destroy_versions")
            return new AccessVerdict(true, id, 60, 3, "dpop", "alice");
        if (r.Resource.Attributes.Owner is { } owner && owner == r.Subject.Id)
            return new AccessVerdict(true, id, null, 1, null, null);   // only some obligations
        return new AccessVerdict(false, id, null, null, null, "no rule matched");
    }

    public IReadOnlyList<PolicyRequest> AllAsked => Calls.SelectMany(c => c.Requests).ToList();
}

/// <summary>
/// The host with <see cref="ScriptedPdp"/> as its PDP (the embedded PDP's place: dev profile, no
/// PDP_URL, so the AuthZEN endpoints are registered as they are for the embedded PDP).
/// </summary>
internal sealed class ScriptedPdpHost(ScriptedPdp pdp, IDictionary<string, string?>? settings = null) : SecretsHostFactory(settings)
{
    public ScriptedPdp Pdp => pdp;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPolicyDecisionPoint>();
            services.AddSingleton<IPolicyDecisionPoint>(pdp);
        });
    }
}
