using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Secrets.Testing.Auth;

/// <summary>
/// An OIDC issuer for tests: an RSA-2048 (RS256) and an EC P-256 (ES256) signing key, their JWKS, and access tokens
/// (RFC 9068) that are valid for the service unless a test edits them.
/// </summary>
public sealed class TestIssuer : IDisposable
{
    public const string DefaultIssuer = "https://issuer.test";
    public const string Subject = "user-1";
    public const string Audience = "crud.secrets";
    public const string ClientId = "client-1";
    public const string AllScopes =
        "secrets.read secrets.write secrets.delete secrets.destroy secrets.rotate secrets.read_metadata secrets.set_owner secrets.admin secrets.pdp";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly List<IssuerKey> _retired = [];
    private readonly List<IssuerKey> _made = [];
    private readonly Lock _gate = new();
    private int _generation;

    public TestIssuer(string issuer = DefaultIssuer, TimeProvider? time = null)
    {
        Issuer = issuer;
        Time = time ?? TimeProvider.System;
        (Rs256, Es256) = NewKeys();
    }

    public string Issuer { get; }
    public TimeProvider Time { get; }
    /// <summary>The current RSA-2048 key; tokens are signed with it unless another key is asked for.</summary>
    public IssuerKey Rs256 { get; private set; }
    /// <summary>The current EC P-256 key.</summary>
    public IssuerKey Es256 { get; private set; }

    /// <summary>The keys the JWKS publishes: the current two, then any kept by <see cref="Rotate"/>.</summary>
    public IReadOnlyList<IssuerKey> PublishedKeys
    {
        get
        {
            lock (_gate)
                return [Rs256, Es256, .. _retired];
        }
    }

    /// <summary>
    /// Replaces both signing keys with new ones (new kids). With <paramref name="keepOldKeys"/> the JWKS keeps every
    /// earlier key after the new ones; without, it has the new ones only.
    /// </summary>
    public void Rotate(bool keepOldKeys)
    {
        var (rs256, es256) = NewKeys();
        lock (_gate)
        {
            if (keepOldKeys)
                _retired.InsertRange(0, [Rs256, Es256]);
            else
                _retired.Clear();
            // Dropped keys stay alive (and keep their kid) until Dispose: a test may still sign with them, to be refused.
            (Rs256, Es256) = (rs256, es256);
        }
    }

    /// <summary>The JWKS document: <c>{"keys":[{kty…, kid, use: "sig", alg}]}</c>, public members only.</summary>
    public string Jwks()
    {
        var keys = PublishedKeys.Select(k => new Dictionary<string, object>(k.Key.PublicJwk)
        {
            ["kid"] = k.Kid,
            ["use"] = "sig",
            ["alg"] = k.Key.Alg,
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = keys.ToList() });
    }

    public void WriteJwks(string path) => File.WriteAllText(path, Jwks());

    /// <summary>Now on the issuer's clock in seconds since the epoch, as <c>iat</c>, <c>nbf</c> and <c>exp</c> are written.</summary>
    public long NowSeconds() => Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// An access token signed by <paramref name="key"/> (default <see cref="Rs256"/>): header alg, <c>typ: at+jwt</c>, kid
    /// (an issuer key's kid, else the key's thumbprint); claims iss, sub, aud, client_id, scope, iat, nbf, exp (now + 5 min)
    /// and jti. <paramref name="edit"/> runs last, before signing, and may change or remove anything.
    /// </summary>
    public string Token(Action<JwsBuilder>? edit = null, ProofKey? key = null)
    {
        var signing = key ?? Rs256.Key;
        var now = Time.GetUtcNow();
        var builder = new JwsBuilder(signing);
        builder.Header["typ"] = "at+jwt";
        builder.Header["kid"] = KidOf(signing);
        builder.Claims["iss"] = Issuer;
        builder.Claims["sub"] = Subject;
        builder.Claims["aud"] = Audience;
        builder.Claims["client_id"] = ClientId;
        builder.Claims["scope"] = AllScopes;
        builder.Claims["iat"] = now.ToUnixTimeSeconds();
        builder.Claims["nbf"] = now.ToUnixTimeSeconds();
        builder.Claims["exp"] = now.Add(Lifetime).ToUnixTimeSeconds();
        builder.Claims["jti"] = Guid.NewGuid().ToString();
        edit?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// An edit for a load run's token: <paramref name="subject"/> and <paramref name="clientId"/>, valid for
    /// <paramref name="lifetime"/>, and no jti, as a client's long-lived token is not spent per request.
    /// </summary>
    public static Action<JwsBuilder> LongLived(string subject, string clientId, TimeSpan lifetime) => token =>
    {
        token.Claims.Remove("jti");
        token.Claims["sub"] = subject;
        token.Claims["client_id"] = clientId;
        token.Claims["exp"] = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds();
    };

    /// <summary>An edit that binds the token to a DPoP key: <c>cnf: {"jkt": thumbprint}</c> (RFC 9449 §6.1).</summary>
    public static Action<JwsBuilder> BoundToDpop(ProofKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var jkt = key.Thumbprint;
        return b => b.Claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt };
    }

    /// <summary>An edit that binds the token to a client certificate: <c>cnf: {"x5t#S256": …}</c> (RFC 8705 §3.1).</summary>
    public static Action<JwsBuilder> BoundToCertificate(X509Certificate2 certificate)
    {
        var x5t = TestCertificates.X5tS256(certificate);
        return b => b.Claims["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = x5t };
    }

    /// <summary>Disposes every key this issuer made, current and retired.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var key in _made)
                key.Key.Dispose();
        }
    }

    private string KidOf(ProofKey key)
    {
        lock (_gate)
            return _made.FirstOrDefault(k => ReferenceEquals(k.Key, key))?.Kid ?? key.Thumbprint;
    }

    private (IssuerKey Rs256, IssuerKey Es256) NewKeys()
    {
        var generation = Interlocked.Increment(ref _generation);
        var rsa = ProofKey.Rsa("RS256", 2048);
        var ec = ProofKey.Ec("ES256");
        var keys = (new IssuerKey($"rs256-{generation}-{rsa.Thumbprint[..8]}", rsa), new IssuerKey($"es256-{generation}-{ec.Thumbprint[..8]}", ec));
        lock (_gate)
            _made.AddRange([keys.Item1, keys.Item2]);
        return keys;
    }
}
