using System.Text;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>
/// Each case breaks one thing about an otherwise valid bearer token: the answer is 401 INVALID_TOKEN with the
/// RFC 6750 challenge <c>Bearer error="invalid_token"</c> and a fixed description. Malformed Authorization headers
/// (two of them, another scheme) are 400 INVALID_REQUEST.
/// </summary>
public sealed class BearerTokenRefusalTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private readonly HttpClient client = fixture.CreateClient();

    private const string Issuer = "the token's issuer is not accepted";
    private const string Audience = "the token's audience does not include this service";
    private const string Typ = "the token's typ is not at+jwt or JWT";
    private const string CnfOne = "the token's cnf must carry exactly one of jkt and x5t#S256";

    /// <summary>An RSA key the host does not know (one for the class: RSA generation is slow).</summary>
    private static readonly ProofKey Foreign = ProofKey.Rsa();

    /// <summary>Case → (Authorization header value from the issuer and a foreign key, the exact description or null for any fixed one).</summary>
    private static readonly Dictionary<string, (Func<TestIssuer, ProofKey, string> Authorization, string? Description)> Cases = new()
    {
        ["expired beyond the 30 s skew"] = (
            (i, _) => Bearer(i.Token(b => { b.Claims["iat"] = i.NowSeconds() - 600; b.Claims["nbf"] = i.NowSeconds() - 600; b.Claims["exp"] = i.NowSeconds() - 60; })),
            "the token has expired"),
        ["nbf in the future beyond the skew"] = ((i, _) => Bearer(i.Token(b => b.Claims["nbf"] = i.NowSeconds() + 120)), "the token is not valid yet"),
        ["no exp"] = ((i, _) => Bearer(i.Token(b => b.Claims.Remove("exp"))), "the token has no exp"),
        ["wrong issuer"] = ((i, _) => Bearer(i.Token(b => b.Claims["iss"] = "https://evil.test")), Issuer),
        ["issuer with a trailing slash added"] = ((i, _) => Bearer(i.Token(b => b.Claims["iss"] = i.Issuer + "/")), Issuer),
        ["issuer with its case changed"] = ((i, _) => Bearer(i.Token(b => b.Claims["iss"] = i.Issuer.ToUpperInvariant())), Issuer),
        ["audience without crud.secrets"] = ((i, _) => Bearer(i.Token(b => b.Claims["aud"] = "other.service")), Audience),
        ["audience array without crud.secrets"] = ((i, _) => Bearer(i.Token(b => b.Claims["aud"] = new[] { "a.service", "crud.secrets.evil" })), Audience),
        ["alg none"] = ((i, _) => Bearer(i.Token(b => b.AlgNone())), null),
        ["HS256 with the issuer's public key as secret"] = ((i, _) => Bearer(i.Token(b => b.Hs256(i.Rs256.Key.PublicKeyBytes()))), null),
        ["unknown kid, signed by a foreign key"] = ((i, f) => Bearer(i.Token(key: f)), null),
        ["issuer's kid, signed by a foreign key"] = ((i, f) => Bearer(i.Token(b => { b.Key = f; b.Header["kid"] = i.Rs256.Kid; })), null),
        ["tampered payload"] = ((i, _) => Bearer(Jose.WithPayloadEdited(i.Token(), p => p["sub"] = "admin")), null),
        ["tampered signature"] = ((i, _) => Bearer(Jose.WithSignatureTampered(i.Token())), null),
        ["typ missing"] = ((i, _) => Bearer(i.Token(b => b.Header.Remove("typ"))), Typ),
        ["typ dpop+jwt"] = ((i, _) => Bearer(i.Token(b => b.Header["typ"] = "dpop+jwt")), Typ),
        ["alg RS256 in the header, signed by the ES256 key"] = ((i, _) => Bearer(i.Token(b => b.Header["alg"] = "RS256", i.Es256.Key)), null),
        ["two segments"] = ((i, _) => Bearer(string.Join('.', i.Token().Split('.')[..2])), null),
        ["segments that are not base64url"] = ((_, _) => Bearer("e!J*.e!J*.s!g*"), null),
        ["one opaque segment"] = ((_, _) => Bearer("not-a-jwt"), null),
        ["longer than 8192 characters"] = ((i, _) => Bearer(i.Token(b => b.Claims["pad"] = new string('x', 9000))), AuthAssertions.MissingOrMalformed),
        ["a space inside the token"] = ((i, _) => { var t = i.Token(); return Bearer(t[..20] + " " + t[20..]); }, AuthAssertions.MissingOrMalformed),
        ["no token after the scheme"] = ((_, _) => "Bearer", AuthAssertions.MissingOrMalformed),
        ["no sub and no client id"] = ((i, _) => Bearer(i.Token(b => { b.Claims.Remove("sub"); b.Claims.Remove("client_id"); })), "the token names no subject (sub) or client"),
        ["the scheduler's reserved subject"] = ((i, _) => Bearer(i.Token(b => b.Claims["sub"] = "rotation-scheduler")), "the token's subject is reserved for the service itself"),
        ["no sub, the client named as the scheduler"] = ((i, _) => Bearer(i.Token(b => { b.Claims.Remove("sub"); b.Claims["client_id"] = "rotation-scheduler"; })),
            "the token's subject is reserved for the service itself"),
        ["cnf not an object"] = ((i, _) => Bearer(i.Token(b => b.Claims["cnf"] = "abc")), "the token's cnf is not an object"),
        ["cnf with both jkt and x5t#S256"] = (
            (i, _) => Bearer(i.Token(b => b.Claims["cnf"] = new Dictionary<string, object> { ["jkt"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ["x5t#S256"] = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" })),
            CnfOne),
        ["cnf with neither jkt nor x5t#S256"] = ((i, _) => Bearer(i.Token(b => b.Claims["cnf"] = new Dictionary<string, object>())), CnfOne),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static string Bearer(string token) => "Bearer " + token;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_token_with_one_check_broken_is_401_invalid_token(string name)
    {
        var (authorization, description) = Cases[name];
        var response = await TokenRequests.GetValueAsync(client, authorization(fixture.Issuer, Foreign));
        await response.ShouldBeInvalidTokenAsync(description);
    }

    [Fact]
    public async Task The_unbroken_token_of_the_matrix_is_accepted() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token())).ShouldReadTheValueAsync();

    /// <summary>
    /// The contract: the signature is by a key of the issuer named by <c>kid</c>. A kid the JWKS does not have is refused
    /// even when one of the issuer's other keys made the signature (no trying every key).
    /// </summary>
    [Fact]
    public async Task A_kid_the_jwks_does_not_have_is_refused_even_when_an_issuer_key_signed_it() =>
        await (await TokenRequests.ReadWithTokenAsync(client, fixture.Issuer.Token(b => b.Header["kid"] = "no-such-kid"))).ShouldBeInvalidTokenAsync();

    [Fact]
    public async Task Two_authorization_headers_are_400_invalid_request()
    {
        var token = fixture.Issuer.Token();
        var response = await TokenRequests.GetValueAsync(client, "Bearer " + token, "Bearer " + token);
        await response.ShouldBeInvalidRequestAsync("send one Authorization header");
    }

    [Fact]
    public async Task The_basic_scheme_is_400_invalid_request()
    {
        var response = await TokenRequests.GetValueAsync(client, "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("user-1:password")));
        await response.ShouldBeInvalidRequestAsync("use the Bearer or DPoP scheme");
    }

    [Fact]
    public async Task Only_allowed_algs_are_accepted_when_oidc_signing_algs_is_narrowed()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null, ("OIDC_SIGNING_ALGS", "RS256"));
        var client = host.CreateClient();

        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token())).ShouldReadTheValueAsync();
        await (await TokenRequests.ReadWithTokenAsync(client, issuer.Token(key: issuer.Es256.Key))).ShouldBeInvalidTokenAsync();
    }
}
