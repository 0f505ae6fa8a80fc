using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;
using Secrets.Testing.Policy;
using WireMock.Logging;
using WireMock.Server;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>What the AuthZEN tests share: a PDP on loopback (WireMock.Net) and what it received, sample questions, and the script of the in-process PDP.</summary>
internal static class AuthZenTestKit
{
    /// <summary>The requests the scripted PDP received on a path, oldest first.</summary>
    public static List<ILogEntry> Received(WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();

    public static JsonNode Body(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!;

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

    /// <summary>
    /// The AuthZEN tests' PDP script: alice may do anything but destroy_versions (with every obligation), an owner may
    /// use their own secret (max_uses only), the rest is denied; the decision id names subject, action and path.
    /// </summary>
    public static AccessVerdict Decide(PolicyRequest r)
    {
        var id = $"dec_{r.Subject.Id}_{r.Action}_{r.Resource.Uri.Path.Replace('/', '_')}";
        if (r.Subject.Id == "alice" && r.Action != "destroy_versions")
            return new AccessVerdict(true, id, 60, 3, "dpop", "alice");
        if (r.Resource.Attributes.Owner is { } owner && owner == r.Subject.Id)
            return new AccessVerdict(true, id, null, 1, null, null);   // only some obligations
        return new AccessVerdict(false, id, null, null, null, "no rule matched");
    }

    /// <summary>
    /// The AuthZEN client over <paramref name="http"/> (a test host's client) for the PDP at <paramref name="identifier"/>,
    /// with metadata of its own; the dev host's caller is anonymous, so no PDP_TOKEN (it would be validated as an access token).
    /// </summary>
    public static AuthZenPdpClient ClientOver(HttpClient http, string identifier = "http://localhost")
    {
        var options = new AuthZenOptions(new Uri(identifier), null, TimeSpan.FromSeconds(30));
        return new AuthZenPdpClient(http, options, new AuthZenDiscovery(options, TimeProvider.System, NullLogger<AuthZenDiscovery>.Instance), NullLogger<AuthZenPdpClient>.Instance);
    }

    /// <summary>A scripted PDP of policy requests that answers with <see cref="Decide"/>.</summary>
    public static ScriptedPdp<PolicyRequest> NewScriptedPdp() => new(Decide);
}
