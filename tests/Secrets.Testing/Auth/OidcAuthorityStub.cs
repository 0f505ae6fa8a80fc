using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Secrets.Testing.Auth;

/// <summary>
/// An OIDC authority on http://127.0.0.1:port (WireMock.Net): discovery at <c>/.well-known/openid-configuration</c> and
/// the JWKS of its <see cref="Issuer"/>, whose <c>iss</c> is the stub's base URL. The JWKS is served as it is at each
/// request, so <see cref="Rotate"/> takes effect at once. Plain http: a JWT bearer handler needs RequireHttpsMetadata off.
/// </summary>
public sealed class OidcAuthorityStub : IDisposable
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/jwks";

    private readonly WireMockServer _server;
    private int _jwksRequests;
    private int _discoveryRequests;

    public OidcAuthorityStub(TimeProvider? time = null)
    {
        _server = ScriptedHttp.Start();
        BaseUrl = _server.Url!;
        Issuer = new TestIssuer(BaseUrl, time);
        var discovery = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = BaseUrl,
            ["jwks_uri"] = JwksUri,
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
        });

        _server.Given(Request.Create().WithPath(DiscoveryPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(_ =>
            {
                Interlocked.Increment(ref _discoveryRequests);
                return discovery;
            }));
        _server.Given(Request.Create().WithPath(JwksPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(_ =>
            {
                Interlocked.Increment(ref _jwksRequests);
                return Issuer.Jwks();
            }));
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:40123</c> (no trailing slash): the authority and the <c>iss</c>.</summary>
    public string BaseUrl { get; }
    public string DiscoveryUrl => BaseUrl + DiscoveryPath;
    public string JwksUri => BaseUrl + JwksPath;
    public TestIssuer Issuer { get; }
    public int JwksRequests => Volatile.Read(ref _jwksRequests);
    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    /// <summary>New signing keys with new kids; the JWKS keeps the old keys too only if <paramref name="keepOldKeys"/>.</summary>
    public void Rotate(bool keepOldKeys) => Issuer.Rotate(keepOldKeys);

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        Issuer.Dispose();
    }
}
