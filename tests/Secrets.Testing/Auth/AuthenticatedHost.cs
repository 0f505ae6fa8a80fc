using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Secrets.Testing.Auth;

/// <summary>
/// The host trusting a <see cref="TestIssuer"/> (its own unless one is given, disposed with it) with
/// <c>SECRETS_API_REQUIRE_AUTH=true</c>, the given policies and settings (a later setting wins), and what tests of an
/// authenticated host do with it: tokens with chosen scopes, clients that carry a token, the audit of a request.
/// </summary>
public class AuthenticatedHost : SecretsHostFactory
{
    /// <summary>Every scope a token of the issuer carries by default.</summary>
    public static readonly IReadOnlyList<string> AllScopes = TestIssuer.AllScopes.Split(' ');

    private readonly bool ownsIssuer;

    public AuthenticatedHost(params (string Key, string? Value)[] settings)
        : this(null, null, settings)
    {
    }

    public AuthenticatedHost(TestIssuer? issuer, string? policies, params (string Key, string? Value)[] settings)
        : this(issuer ?? new TestIssuer(), issuer is null, policies, settings)
    {
    }

    private AuthenticatedHost(TestIssuer issuer, bool ownsIssuer, string? policies, (string Key, string? Value)[] settings)
        : base(Trusting(issuer, [("SECRETS_API_REQUIRE_AUTH", "true"), .. settings]), policies: policies)
    {
        Issuer = issuer;
        this.ownsIssuer = ownsIssuer;
    }

    public TestIssuer Issuer { get; }

    /// <summary>A token whose <c>scope</c> claim is exactly <paramref name="scopes"/> (none: no scope claim at all).</summary>
    public string TokenWith(params string[] scopes) => Issuer.Token(b =>
    {
        if (scopes.Length == 0)
            b.Claims.Remove("scope");
        else
            b.Claims["scope"] = string.Join(' ', scopes);
    });

    /// <summary>A token with every scope but <paramref name="missing"/>.</summary>
    public string TokenWithout(params string[] missing) => TokenWith([.. AllScopes.Except(missing)]);

    /// <summary>A client that sends <paramref name="token"/> with the Bearer scheme.</summary>
    public HttpClient ClientWith(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A client that sends each request with a new token of the issuer (every scope, one subject), like a client
    /// that fetches a token per call: what a test's arranging and checking needs, since one token is accepted once
    /// per secret and purpose.
    /// </summary>
    public HttpClient ClientWithFreshTokens(Action<JwsBuilder>? edit = null) =>
        CreateDefaultClient(new FreshTokenHandler(() => Issuer.Token(edit)));

    /// <summary>The audit buffer (dev profile), filtered by <paramref name="query"/>, read with a plain bearer token of a subject of its own.</summary>
    public async Task<IReadOnlyList<JsonNode>> AuditAsync(string? query = null)
    {
        var subject = "auditor-" + Guid.NewGuid().ToString("N");
        using var auditor = ClientWithFreshTokens(b => b.Claims["sub"] = subject);
        return await AuditProbe.EventsAsync(auditor, query);
    }

    /// <summary>The audit records of one request, by the correlation id it was answered with.</summary>
    public Task<IReadOnlyList<JsonNode>> AuditOfAsync(HttpResponseMessage response) =>
        AuditAsync("correlation_id=" + Uri.EscapeDataString(AuditProbe.CorrelationId(response)));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && ownsIssuer)
            Issuer.Dispose();
    }
}
